// What the browser downloads (public/build, written by `npm run build` before the tests run):
// no server module, no server-only data, and at most 150 KB of compressed JavaScript per page.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import commonPasswords from "~/app/lib/common-passwords.json";

const buildDir = path.resolve(import.meta.dirname, "../../public/build");
const MAX_COMPRESSED_JS = 150 * 1024;

interface Manifest {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { id: string; parentId?: string; module: string; imports?: string[] }>;
}

function readManifest(): Manifest {
  const file = fs.readdirSync(buildDir).find((f) => /^manifest-[A-Z0-9]+\.js$/.test(f));
  if (!file) throw new Error(`no manifest in ${buildDir}: run npm run build first`);
  const text = fs.readFileSync(path.join(buildDir, file), "utf8");
  return JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as Manifest;
}

const local = (url: string) => path.join(buildDir, url.replace(/^\/build\//, ""));

function allScripts(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) out.push(p);
    }
  };
  walk(buildDir);
  return out;
}

/** Every script a first visit to the route loads: the entry, then each route from the root down. */
function scriptsOf(manifest: Manifest, routeId: string): Set<string> {
  const files = new Set([manifest.entry.module, ...(manifest.entry.imports ?? [])]);
  for (let id: string | undefined = routeId; id; id = manifest.routes[id]?.parentId) {
    const route = manifest.routes[id]!;
    for (const f of [route.module, ...(route.imports ?? [])]) files.add(f);
  }
  return files;
}

function brotliSize(file: string): number {
  const precompressed = `${file}.br`;
  if (fs.existsSync(precompressed)) return fs.statSync(precompressed).size;
  return zlib.brotliCompressSync(fs.readFileSync(file), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

describe("the browser's share", () => {
  const scripts = allScripts().map((file) => ({ file: path.relative(buildDir, file), text: fs.readFileSync(file, "utf8") }));

  it.each([
    ["the database schema (drizzle)", "sqliteTable"],
    ["the database driver", "better-sqlite3"],
    ["zod and every form schema", "ZodError"],
    ["the password hasher", "@node-rs/argon2"],
    ["the mailer", "nodemailer"],
    ["the environment", "process.env"],
    ["the common-password list", commonPasswords.find((p) => p === "1qaz2wsx")!],
  ])("has no trace of %s", (_what, marker) => {
    expect(scripts.length).toBeGreaterThan(10);
    expect(scripts.filter((s) => s.text.includes(marker)).map((s) => s.file)).toEqual([]);
  });

  it(`loads at most ${MAX_COMPRESSED_JS / 1024} KB of compressed JavaScript on any page`, () => {
    const manifest = readManifest();
    const sizes = Object.keys(manifest.routes).map((id) => ({
      id,
      bytes: [...scriptsOf(manifest, id)].reduce((n, url) => n + brotliSize(local(url)), 0),
    }));
    expect(sizes.length).toBeGreaterThan(20);
    expect(sizes.filter((s) => s.bytes > MAX_COMPRESSED_JS)).toEqual([]);
  });
});
