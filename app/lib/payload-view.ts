// Stored webhook bodies shown to an admin, bounded. A body is signed by GitHub but may
// still be anything up to the receiver's 25 MiB cap: JSON.stringify(value, null, 2) of
// 3,000 nested arrays is 36 MB (the indentation grows with the depth) and deeper ones
// overflow the stack. This walks the parsed value with its own stack (no recursion), stops
// descending at MAX_DEPTH and stops writing at MAX_CHARS, and says where it cut.
// (V8's JSON.parse is itself iterative: 1,000,000 levels parse in ~0.2 s without a stack overflow.)

/** Levels of nesting shown; a container deeper than this is summarised in one line. */
export const PAYLOAD_MAX_DEPTH = 20;
/** Characters of pretty-printed text shown (64 KiB of ASCII). */
export const PAYLOAD_MAX_CHARS = 64 * 1024;
/** Characters of one string value shown. */
export const PAYLOAD_MAX_STRING = 2_000;

export interface PayloadView {
  text: string;
  /** True when anything was left out: deeper levels, long strings, or the end of the text. */
  truncated: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A container being printed: its entries are read by position, never copied. */
type Frame = ({ items: Json[]; keys: null; obj: null } | { items: null; keys: string[]; obj: { [key: string]: Json } }) & {
  size: number;
  next: number;
  depth: number;
};

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/**
 * Pretty-prints a stored payload for reading, bounded in depth, string length and total
 * size, with a "truncated" marker wherever something was left out. Text that is not JSON
 * is shown as it is, cut at the same size. Pure: no I/O, no recursion.
 */
export function formatPayload(raw: string, limits: { maxDepth?: number; maxChars?: number; maxString?: number } = {}): PayloadView {
  const maxDepth = limits.maxDepth ?? PAYLOAD_MAX_DEPTH;
  const maxChars = limits.maxChars ?? PAYLOAD_MAX_CHARS;
  const maxString = limits.maxString ?? PAYLOAD_MAX_STRING;
  const cutMarker = (total?: number) =>
    `\n… truncated: only the first ${plural(maxChars, "character", "characters")}${total === undefined ? "" : ` of ${total.toLocaleString("en")} characters`} are shown. Download the raw body to see it all.`;

  let value: Json;
  try {
    // whatever JSON.parse returns is JSON-shaped; a byte-order mark GitHub signed is not JSON
    value = JSON.parse(raw.startsWith("\uFEFF") ? raw.slice(1) : raw) as Json;
  } catch {
    return raw.length > maxChars ? { text: raw.slice(0, maxChars) + cutMarker(raw.length), truncated: true } : { text: raw, truncated: false };
  }

  const out: string[] = [];
  let length = 0;
  let truncated = false;
  let full = false;
  // once full, every write is cut to nothing
  const write = (s: string) => {
    if (length + s.length > maxChars) {
      out.push(s.slice(0, maxChars - length));
      length = maxChars;
      full = true;
      truncated = true;
      return;
    }
    out.push(s);
    length += s.length;
  };
  const indent = (depth: number) => "  ".repeat(depth);
  const scalar = (v: Exclude<Json, Json[] | { [key: string]: Json }>): string => {
    if (typeof v !== "string" || v.length <= maxString) return JSON.stringify(v);
    truncated = true;
    return `${JSON.stringify(v.slice(0, maxString))} … truncated: ${plural(v.length - maxString, "more character", "more characters")}`;
  };

  /** Writes a value's opening (or the whole of it when it is a scalar, empty, or too deep); returns a frame to descend into. */
  const open = (v: Json, depth: number): Frame | null => {
    if (v === null || typeof v !== "object") {
      write(scalar(v));
      return null;
    }
    const frame: Frame = Array.isArray(v)
      ? { items: v, keys: null, obj: null, size: v.length, next: 0, depth }
      : { items: null, keys: Object.keys(v), obj: v, size: 0, next: 0, depth };
    if (frame.keys) frame.size = frame.keys.length;
    const { size } = frame;
    const isArray = frame.items !== null;
    if (size === 0) {
      write(isArray ? "[]" : "{}");
      return null;
    }
    if (depth >= maxDepth) {
      truncated = true;
      write(
        `${isArray ? "[" : "{"}… truncated: ${plural(size, isArray ? "item" : "key", isArray ? "items" : "keys")} nested deeper than ${maxDepth} levels${isArray ? "]" : "}"}`,
      );
      return null;
    }
    write(isArray ? "[" : "{");
    return frame;
  };

  const stack: Frame[] = [];
  const first = open(value, 0);
  if (first) stack.push(first);
  while (stack.length > 0 && !full) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.size) {
      write(`\n${indent(frame.depth)}${frame.keys ? "}" : "]"}`);
      stack.pop();
      continue;
    }
    const i = frame.next++;
    write(`${i > 0 ? "," : ""}\n${indent(frame.depth + 1)}`);
    let child: Json;
    if (frame.keys) {
      const key = frame.keys[i]!;
      write(`${scalar(key)}: `);
      child = frame.obj[key]!;
    } else {
      child = frame.items[i]!;
    }
    const next = open(child, frame.depth + 1);
    if (next) stack.push(next);
  }
  let text = out.join("");
  if (full) text += cutMarker();
  return { text, truncated };
}
