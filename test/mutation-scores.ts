// npm run test:mutation:scores: the mutation score of each folder and file, from the committed
// results in reports/stryker-incremental-*.json (one per folder, or one per part of a folder run
// in parts: MUTATE_PART). Scored as Stryker scores: killed and timed out over every mutant that could have been
// detected (survived and not covered count against; ignored, static and broken mutants do not).
import fs from "node:fs";
import path from "node:path";

interface Mutant {
  status: string;
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

export interface Tally {
  detected: number;
  undetected: number;
}

export const score = (t: Tally) => (t.detected + t.undetected === 0 ? null : (100 * t.detected) / (t.detected + t.undetected));

/** Each mutated file's tally and the results file it comes from; a file in two results files is an error (remove the stale one). */
export function tallyReports(dir: string): Map<string, Tally & { from: string }> {
  const byFile = new Map<string, Tally & { from: string }>();
  for (const name of fs.readdirSync(dir).filter((f) => /^stryker-incremental-.+\.json$/.test(f))) {
    const report = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as Report;
    for (const [file, { mutants }] of Object.entries(report.files)) {
      const earlier = byFile.get(file);
      if (earlier) throw new Error(`${file} has results in both ${earlier.from} and ${name}: remove the stale one.`);
      const tally = { detected: 0, undetected: 0, from: name };
      for (const m of mutants) {
        if (DETECTED.has(m.status)) tally.detected++;
        else if (UNDETECTED.has(m.status)) tally.undetected++;
      }
      byFile.set(file, tally);
    }
  }
  return byFile;
}

/** The files Stryker mutates in `folder` (every .ts below it) that have no results yet. */
export function unmeasured(folder: string, byFile: Map<string, unknown>): string[] {
  return (fs.readdirSync(folder, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => path.join(folder, f).split(path.sep).join("/"))
    .filter((f) => !byFile.has(f))
    .sort();
}

const FOLDERS = ["app/auth", "app/github", "app/lib", "app/models"];

const pct = (t: Tally) => {
  const s = score(t);
  return s === null ? "–" : `${s.toFixed(1)} %`;
};

function main() {
  const byFile = tallyReports(path.resolve("reports"));
  for (const folder of FOLDERS) {
    const inFolder = [...byFile].filter(([file]) => file.startsWith(`${folder}/`)).sort(([a], [b]) => a.localeCompare(b));
    const sum = { detected: 0, undetected: 0 };
    for (const [, t] of inFolder) {
      sum.detected += t.detected;
      sum.undetected += t.undetected;
    }
    const missing = unmeasured(folder, byFile);
    const of = missing.length > 0 ? `, of the ${inFolder.length} measured files; ${missing.length} not measured` : "";
    console.log(`${folder}: ${pct(sum)} (${sum.detected} of ${sum.detected + sum.undetected} detected${of})`);
    for (const [file, f] of inFolder) console.log(`  ${file.slice(folder.length + 1)}: ${pct(f)} (${f.detected} of ${f.detected + f.undetected}; ${f.from})`);
    for (const file of missing) console.log(`  ${file.slice(folder.length + 1)}: not measured`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
