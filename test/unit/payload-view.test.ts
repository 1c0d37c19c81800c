import { describe, expect, it } from "vitest";
import { formatPayload, PAYLOAD_MAX_CHARS, PAYLOAD_MAX_DEPTH, PAYLOAD_MAX_STRING } from "~/app/lib/payload-view";

const nestedArrays = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
/** Bounded: the cap, plus the one-line marker after it. */
const bounded = (text: string) => expect(text.length).toBeLessThan(PAYLOAD_MAX_CHARS + 200);

describe("formatPayload", () => {
  it("a body that starts with a UTF-8 byte-order mark is still shown as formatted JSON", () => {
    expect(formatPayload('\uFEFF{"zen":"deep"}')).toEqual({ text: '{\n  "zen": "deep"\n}', truncated: false });
  });

  it("prints a payload within the limits exactly as JSON.stringify(value, null, 2) does, not truncated", () => {
    const value = {
      action: "created",
      issue: { number: 12, labels: [{ name: "club-zero" }, { name: "docs" }], body: null, locked: false },
      empty: [],
      none: {},
      'quote"key': "ünïcödé 😊",
    };
    expect(formatPayload(JSON.stringify(value))).toEqual({ text: JSON.stringify(value, null, 2), truncated: false });
  });

  it(`3,000 nested arrays show ${PAYLOAD_MAX_DEPTH} levels and one truncated marker, in a few KiB (JSON.stringify made 36 MB)`, () => {
    const view = formatPayload(nestedArrays(3_000));
    expect(view.truncated).toBe(true);
    expect(view.text.length).toBeLessThan(5_000);
    expect(view.text).toContain(`[… truncated: 1 item nested deeper than ${PAYLOAD_MAX_DEPTH} levels]`);
    expect(view.text.split("\n")).toHaveLength(2 * PAYLOAD_MAX_DEPTH + 1);
  });

  it("100,000 nested objects or arrays neither overflow the stack nor grow the text", () => {
    for (const raw of [nestedObjects(100_000), nestedArrays(100_000)]) {
      const view = formatPayload(raw);
      expect(view.truncated).toBe(true);
      expect(view.text.length).toBeLessThan(5_000);
      expect(view.text).toMatch(/truncated: 1 (item|key) nested deeper than 20 levels/);
    }
  });

  it("an array of 1,000,000 numbers is cut at 64 KiB with a marker that points to the download", () => {
    const view = formatPayload(JSON.stringify({ items: Array.from({ length: 1_000_000 }, (_, i) => i) }));
    expect(view.truncated).toBe(true);
    bounded(view.text);
    expect(view.text).toMatch(/\n… truncated: only the first 65,536 characters are shown\. Download the raw body to see it all\.$/);
  });

  it("a 10 MB string shows its first 2,000 characters and says how many more there are", () => {
    const view = formatPayload(JSON.stringify({ body: "x".repeat(10_000_000), after: "still shown" }));
    expect(view.truncated).toBe(true);
    expect(view.text).toContain(`"${"x".repeat(PAYLOAD_MAX_STRING)}" … truncated: 9,998,000 more characters`);
    expect(view.text).toContain('"after": "still shown"');
    bounded(view.text);
  });

  it("many long strings together still stop at the size cap", () => {
    const view = formatPayload(JSON.stringify(Array.from({ length: 1_000 }, () => "y".repeat(5_000))));
    expect(view.truncated).toBe(true);
    bounded(view.text);
  });

  it("text that is not JSON is shown as it is, cut at the same size", () => {
    expect(formatPayload("not json <b>")).toEqual({ text: "not json <b>", truncated: false });
    const view = formatPayload("z".repeat(1_000_000));
    expect(view.truncated).toBe(true);
    expect(view.text.startsWith("z".repeat(PAYLOAD_MAX_CHARS))).toBe(true);
    expect(view.text).toContain("of 1,000,000 characters are shown");
    bounded(view.text);
  });
});

describe("formatPayload at its limits", () => {
  it("text exactly at the size cap is shown whole; one character more is cut and says so", () => {
    expect(formatPayload("abc", { maxChars: 3 })).toEqual({ text: "abc", truncated: false });
    const pretty = '{\n  "a": 1\n}';
    expect(formatPayload('{"a":1}', { maxChars: pretty.length })).toEqual({ text: pretty, truncated: false });
    expect(formatPayload('{"a":1}', { maxChars: pretty.length - 1 })).toEqual({
      text: `${pretty.slice(0, -1)}\n… truncated: only the first 11 characters are shown. Download the raw body to see it all.`,
      truncated: true,
    });
  });

  it("a cap of one character is spelled in the singular", () => {
    expect(formatPayload("ab", { maxChars: 1 }).text).toBe(
      "a\n… truncated: only the first 1 character of 2 characters are shown. Download the raw body to see it all.",
    );
  });

  it("a string exactly at the string limit is shown whole; one character more says how many were left out", () => {
    expect(formatPayload('["abc"]', { maxString: 3 })).toEqual({ text: '[\n  "abc"\n]', truncated: false });
    expect(formatPayload('["abcd"]', { maxString: 3 })).toEqual({ text: '[\n  "abc" … truncated: 1 more character\n]', truncated: true });
  });

  it("containers deeper than the depth limit are summarised with their kind and size", () => {
    const deeper = (inner: string) => formatPayload(`{"a":${inner}}`, { maxDepth: 1 }).text;
    expect(deeper('{"x":1}')).toBe('{\n  "a": {… truncated: 1 key nested deeper than 1 levels}\n}');
    expect(deeper('{"x":1,"y":2}')).toBe('{\n  "a": {… truncated: 2 keys nested deeper than 1 levels}\n}');
    expect(deeper("[1]")).toBe('{\n  "a": [… truncated: 1 item nested deeper than 1 levels]\n}');
    expect(deeper("[1,2]")).toBe('{\n  "a": [… truncated: 2 items nested deeper than 1 levels]\n}');
  });

  it.each(["42", '"hello"', "null", "[]", "{}"])("a payload that is just %s is shown as it is", (raw) => {
    expect(formatPayload(raw)).toEqual({ text: raw, truncated: false });
  });
});
