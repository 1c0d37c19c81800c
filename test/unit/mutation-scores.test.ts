import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { score, tallyReports, unmeasured } from "../mutation-scores";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function reportsDir(reports: Record<string, Record<string, string[]>>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-scores-"));
  dirs.push(dir);
  for (const [name, files] of Object.entries(reports)) {
    const json = { files: Object.fromEntries(Object.entries(files).map(([file, statuses]) => [file, { mutants: statuses.map((status) => ({ status })) }])) };
    fs.writeFileSync(path.join(dir, `stryker-incremental-${name}.json`), JSON.stringify(json));
  }
  return dir;
}

describe("mutation scores from the results files", () => {
  it("counts killed and timed out as detected, survived and not covered against, and leaves ignored and broken mutants out", () => {
    const dir = reportsDir({
      "models-g1": { "app/models/a.server.ts": ["Killed", "Timeout", "Survived", "Ignored", "CompileError"] },
      "models-g2": { "app/models/b.server.ts": ["NoCoverage", "Killed", "RuntimeError"] },
    });
    const tallies = tallyReports(dir);
    expect(tallies.get("app/models/a.server.ts")).toEqual({ detected: 2, undetected: 1, from: "stryker-incremental-models-g1.json" });
    expect(tallies.get("app/models/b.server.ts")).toEqual({ detected: 1, undetected: 1, from: "stryker-incremental-models-g2.json" });
    expect(score({ detected: 3, undetected: 1 })).toBe(75);
    expect(score({ detected: 0, undetected: 0 })).toBeNull();
  });

  it("refuses a file that has results in two files, naming both", () => {
    const dir = reportsDir({ models: { "app/models/a.server.ts": ["Killed"] }, "models-g1": { "app/models/a.server.ts": ["Survived"] } });
    expect(() => tallyReports(dir)).toThrow(
      /app\/models\/a\.server\.ts has results in both stryker-incremental-models(-g1)?\.json and stryker-incremental-models(-g1)?\.json/,
    );
  });

  it("lists the folder's files that have no results, below it too", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-folder-"));
    dirs.push(dir);
    for (const f of ["a.server.ts", "b.server.ts", "types.d.ts", "view.tsx", "sub/c.ts"]) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), "");
    }
    expect(unmeasured(dir, new Map([[`${dir}/a.server.ts`, {}]]))).toEqual([`${dir}/b.server.ts`, `${dir}/sub/c.ts`]);
  });
});
