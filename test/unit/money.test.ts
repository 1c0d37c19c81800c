import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDecimal, formatMoney, parseMoney, sumCents } from "~/app/lib/money";

describe("money", () => {
  it.each([
    ["1234.50", 123450],
    ["1234.5", 123450],
    ["12", 1200],
    ["0.01", 1],
    ["0", 0],
    ["9999999999999.99", 999999999999999],
  ])("reads %s as %i cents", (input, cents) => expect(parseMoney(input)).toBe(cents));

  it.each(["1.005", "1e3", "-5", "-0", "", " 1.00", "1.00 ", "NaN", "1,000.00", "+5", ".5", "5.", "0x10", "Infinity", "12345678901234"])(
    "refuses %j",
    (input) => expect(parseMoney(input)).toBeNull(),
  );

  it("reads back exactly what it formats, for any amount", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 999_999_999_999_999 }), (n) => parseMoney(formatDecimal(n)) === n));
    // a refund or correction on the ledger is negative; zero has no sign
    expect([formatDecimal(-1250), formatDecimal(-5), formatDecimal(0)]).toEqual(["-12.50", "-0.05", "0.00"]);
  });

  it("formats for people with the currency", () => {
    expect(formatMoney(123450, "USD")).toBe("$1,234.50");
    expect(formatMoney(-3000, "USD")).toBe("-$30.00");
    expect(formatMoney(500, "EUR")).toBe("€5.00");
  });

  it("sums only whole cents within the safe range", () => {
    expect(sumCents([10000, -3000, -3000])).toBe(4000);
    expect(() => sumCents([1.5])).toThrow(new RangeError("not a whole number of cents: 1.5"));
    expect(() => sumCents([0, Number.NaN])).toThrow(new RangeError("not a whole number of cents: NaN"));
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow(new RangeError("sum of cents out of safe range"));
  });
});
