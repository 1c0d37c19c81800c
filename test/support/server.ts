// Starts the built production server (build/server/index.js) on a free port with its
// own fresh database, the way `npm start` runs it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const serverEntry = path.join(repoRoot, "build/server/index.js");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The environment `npm start` gives the built server, on this port, plus `env`. */
export function productionEnv(port: number, env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    // no package sync against the public sources from a test server
    PACKAGES_SYNC_HOURS: "0",
    PORT: String(port),
    HOST: "127.0.0.1",
    APP_ORIGIN: `http://127.0.0.1:${port}`,
    ...env,
  };
}

export interface RunningServer {
  url: string;
  pid: number;
  databasePath: string;
  output: () => string;
  /** The exit code once the process has ended (SIGTERM it yourself to test shutting down). */
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!fs.existsSync(serverEntry)) throw new Error("build/server/index.js is missing: run `npm run build` first");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-e2e-"));
  const databasePath = path.join(dir, "db", "club-zero.sqlite");
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [serverEntry], {
    cwd: repoRoot,
    // the server logs as in production, whatever the test process does
    env: productionEnv(port, { DATABASE_PATH: databasePath, CLUBZERO_QUIET_LOG: "0", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));

  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${output}`)), 20_000);
    const check = () => {
      if (output.includes("is listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  try {
    await started;
  } catch (error) {
    // A server that never came up is not left running, and its temp dir goes too.
    if (child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const exited = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    databasePath,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Booted {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * The built server on the calling test file's database (this process's DATABASE_PATH), so
 * the test and the server share it as two servers would. `env` is added to production
 * defaults; `children` collects the process, for the test to kill what it left running.
 */
export async function bootOnThisDatabase(env: Record<string, string>, children: Set<ChildProcess>): Promise<Booted> {
  const port = await freePort();
  let out = "";
  const child = spawn(process.execPath, [serverEntry], {
    cwd: repoRoot,
    env: productionEnv(port, { CLUBZERO_QUIET_LOG: "1", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    child.stdout.on("data", () => {
      if (out.includes("is listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => out };
}

/** kill -9, and wait until the process is gone. */
export async function killHard(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

/** Polls `probe` every 50 ms until it gives a truthy value, or fails after `timeoutMs`. */
export async function until<T>(probe: () => T | null | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the built server expecting it to exit (e.g. on bad configuration). */
export function runServerToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(process.execPath, [serverEntry], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Resident memory of a process in bytes (Linux). */
export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}
