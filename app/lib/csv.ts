// The one way Club Zero writes CSV. Every cell of every CSV we serve goes through `csvCell`,
// so a donor name or an expense's event can never run as a spreadsheet formula.

export type CsvValue = string | number | null | undefined;

/** A plain number ("12", "-12.50"): a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Characters a spreadsheet treats as the start of a formula (OWASP, "CSV Injection"):
 * = + - @ and a leading tab or carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell: a cell that starts like a formula gets a leading `'` (so `-2+3+cmd|' /C calc'!A0`
 * and `-1+1` are shown as text), except a plain number such as `-12.50`, which stays a number.
 * Then quoted as RFC 4180 asks when it holds a quote, comma or line break.
 */
export function csvCell(value: CsvValue): string {
  const s = String(value ?? "");
  const safe = FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV text: cells through `csvCell`, CRLF line ends (RFC 4180), a final CRLF. */
export function formatCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
