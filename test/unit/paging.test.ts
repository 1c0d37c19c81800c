import { describe, expect, it } from "vitest";
import { pageCount } from "~/app/lib/paging";

describe("how many pages a list fills", () => {
  it("rounds up, and an empty list is one empty page", () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
    expect(pageCount(10_000, 50)).toBe(200);
  });
});
