// Summarises a V8 CPU profile (node --cpu-prof, or BENCH_PROFILE=1 npm run bench): the
// packages and functions with the most self time, and the call-tree entries with the most
// inclusive time, as shares of the busy time (start-up, idle and module loading left out).
//   node test/bench/profile-top.mjs <file.cpuprofile> [rows=40]
import fs from "node:fs";

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node test/bench/profile-top.mjs <file.cpuprofile> [rows]");
  process.exit(2);
}
const rows = Number(rowsArg ?? 40);
const profile = JSON.parse(fs.readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const ticks = new Map();
profile.samples.forEach((id, i) => ticks.set(id, (ticks.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const NOT_SERVING = new Set(["(idle)", "(program)", "evaluate", "verifyLedger", "runMigrations"]);
const where = (n) =>
  n.callFrame.url
    .replace(/^.*node_modules\//, "")
    .replace(/^.*\/(app|build|db)\//, "$1/")
    .replace(/^file:\/\//, "");
const add = (map, key, t) => map.set(key, (map.get(key) ?? 0) + t);

let busy = 0;
const byPackage = new Map();
const bySelf = new Map();
const byInclusive = new Map();
for (const [id, t] of ticks) {
  const stack = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) stack.push(nodes.get(cur));
  if (stack.some((n) => NOT_SERVING.has(n.callFrame.functionName) || n.callFrame.url.endsWith("module_job"))) continue;
  busy += t;
  const top = stack[0];
  const file = where(top);
  add(byPackage, file.match(/^((@[^/]+\/)?[^/]+)/)?.[1] || top.callFrame.functionName, t);
  add(bySelf, `${top.callFrame.functionName || "(anonymous)"} ${file}:${top.callFrame.lineNumber + 1}`, t);
  const seen = new Set();
  for (const n of stack) {
    const key = `${n.callFrame.functionName || "(anonymous)"} ${where(n).split("/").pop()}`;
    if (!seen.has(key)) {
      add(byInclusive, key, t);
      seen.add(key);
    }
  }
}

const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${((t / busy) * 100).toFixed(1).padStart(6)} %  ${k}`);
};
console.log(`${file}: ${(busy / 1e6).toFixed(2)} s busy`);
print("self time by package", byPackage);
print("self time by function", bySelf);
print("inclusive time", byInclusive);
