import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./server";

/** Runs one of the repo's TypeScript commands (as `npm run` would, through tsx). */
export function runCli(script: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
