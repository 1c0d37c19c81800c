import { spawn, spawnSync } from "node:child_process";
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

/** Like runCli, without blocking this process (needed when a server here must answer it). */
export function runCliAsync(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Adds a user with `npm run user:add` (roles and flags as that command takes them) to a
 * running server's database and signs in through its /login form; returns the session cookie.
 */
export async function addUserAndSignIn(
  server: { url: string; databasePath: string },
  username: string,
  password: string,
  flags: string[] = [],
): Promise<string> {
  const made = runCli("db/cli/user-add.ts", [username, ...flags], { DATABASE_PATH: server.databasePath, CLUBZERO_PASSWORD: password });
  if (made.code !== 0) throw new Error(`user:add ${username} failed: ${made.stderr}`);
  const res = await fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }),
  });
  if (res.status !== 302) throw new Error(`signing in as ${username} answered ${res.status}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

/** Adds each user with `npm run user:add` (name, then that command's flags), all with one password; fails loudly on the first refusal. */
export function addUsers(databasePath: string, password: string, users: readonly (readonly [string, readonly string[]])[]) {
  for (const [name, flags] of users) {
    const made = runCli("db/cli/user-add.ts", [name, ...flags], { DATABASE_PATH: databasePath, CLUBZERO_PASSWORD: password });
    if (made.code !== 0) throw new Error(`user:add ${name} failed: ${made.stderr}`);
  }
}
