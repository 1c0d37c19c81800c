// Money is integer minor units (cents) with a currency code. Never floats.

const AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * Parses what a person typed ("1234.50", "12", "0.5") into cents. Refuses blanks,
 * signs, exponents, more than two decimals, thousands separators and surrounding
 * spaces, so nothing is ever rounded silently. Null when refused.
 */
export function parseMoney(input: string): number | null {
  const m = AMOUNT.exec(input);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return Number.isSafeInteger(cents) ? cents : null;
}

/** "1234.50" for 123450: the exact decimal form, which parseMoney reads back. */
export function formatDecimal(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** "$1,234.50" — for people. */
export function formatMoney(cents: number, currency: string): string {
  const f = formatters.get(currency) ?? formatters.set(currency, new Intl.NumberFormat("en-US", { style: "currency", currency })).get(currency)!;
  // Intl takes a number of whole units; cents / 100 is exact for display at this scale.
  return f.format(cents / 100);
}

/** Sums cents, refusing to leave the range where integers are exact. */
export function sumCents(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not a whole number of cents: ${v}`);
    total += v;
    if (!Number.isSafeInteger(total)) throw new RangeError("sum of cents out of safe range");
  }
  return total;
}
