import { diffLines } from "diff";

/** One line of a line diff, with its numbers in the old and the new text. */
export interface DiffLine {
  kind: "same" | "added" | "removed";
  oldNumber: number | null;
  newNumber: number | null;
  text: string;
}

/** A run of lines to show, or how many unchanged lines were folded away between runs. */
export type DiffRow = DiffLine | { kind: "skipped"; count: number };

/**
 * A line diff of two texts (the `diff` package's Myers diff), with unchanged stretches
 * folded to `context` lines around each change so a long tutorial's diff stays readable.
 */
export function diffText(before: string, after: string, context = 3): { rows: DiffRow[]; added: number; removed: number } {
  const lines: DiffLine[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  // A last line without its newline is the same line as one with it.
  const withNewline = (s: string) => (s === "" || s.endsWith("\n") ? s : `${s}\n`);
  for (const change of diffLines(withNewline(before), withNewline(after))) {
    if (change.value === "") continue;
    const texts = change.value.replace(/\n$/, "").split("\n");
    for (const text of texts) {
      if (change.added) lines.push({ kind: "added", oldNumber: null, newNumber: newNumber++, text });
      else if (change.removed) lines.push({ kind: "removed", oldNumber: oldNumber++, newNumber: null, text });
      else lines.push({ kind: "same", oldNumber: oldNumber++, newNumber: newNumber++, text });
    }
  }
  const near = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line.kind === "same") return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) near[j] = true;
  });
  const rows: DiffRow[] = [];
  let skipped = 0;
  lines.forEach((line, i) => {
    if (near[i]) {
      if (skipped) rows.push({ kind: "skipped", count: skipped });
      skipped = 0;
      rows.push(line);
    } else skipped++;
  });
  if (skipped) rows.push({ kind: "skipped", count: skipped });
  return { rows, added: lines.filter((l) => l.kind === "added").length, removed: lines.filter((l) => l.kind === "removed").length };
}
