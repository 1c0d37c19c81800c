import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, open, readdir, rename, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";

// Receipt files on disk (RELIABILITY UP-1..UP-6). No database access here: the caller stores the
// row, and commits it only after storeReceiptFile has returned (file first, then row; the sweeper
// cleans up files whose row never landed).

/** Per-file limit; set explicitly because Remix's default upload limit is 3,000,000 bytes. */
export const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;
export const RECEIPT_MAX_FILES = 5;

export type ReceiptType = {
  mime: "application/pdf" | "image/png" | "image/jpeg";
  ext: "pdf" | "png" | "jpg";
};

const PDF: ReceiptType = { mime: "application/pdf", ext: "pdf" };
const PNG: ReceiptType = { mime: "image/png", ext: "png" };
const JPEG: ReceiptType = { mime: "image/jpeg", ext: "jpg" };

const EXTENSIONS: Record<ReceiptType["ext"], readonly string[]> = {
  pdf: ["pdf"],
  png: ["png"],
  jpg: ["jpg", "jpeg"],
};

// Older browsers send these aliases for the same formats.
const DECLARED_TYPES: Record<ReceiptType["ext"], readonly string[]> = {
  pdf: ["application/pdf", "application/x-pdf"],
  png: ["image/png", "image/x-png"],
  jpg: ["image/jpeg", "image/jpg", "image/pjpeg"],
};

const STORED_NAME = /^[0-9a-f]{32}$/;
const TEMP_PREFIX = ".tmp-";
const TAIL_WINDOW = 1024;

// C0/C1 controls and DEL, plus the bidi controls that can make "gpj.pdf" display as "fdp.jpg".
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const CONTROL_CHARS_ALL = new RegExp(CONTROL_CHARS.source, "gu");
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Markers that a browser's HTML sniffer (or an XSS payload) would need; none belongs at the start
// of a genuine PDF, so their presence there means an HTML/PDF polyglot.
const HTML_MARKERS = ["<html", "<script", "<!doctype", "<head", "<body", "<iframe", "<svg"];

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

function isPdf(bytes: Uint8Array): boolean {
  if (latin1(bytes.subarray(0, 5)) !== "%PDF-") return false;
  if (!latin1(bytes.subarray(Math.max(0, bytes.length - TAIL_WINDOW))).includes("%%EOF")) return false;
  const head = latin1(bytes.subarray(0, TAIL_WINDOW)).toLowerCase();
  return !HTML_MARKERS.some((marker) => head.includes(marker));
}

function isPng(bytes: Uint8Array): boolean {
  // Signature, then the first chunk's 4-byte length, then its type, which must be IHDR.
  return startsWith(bytes, PNG_SIGNATURE) && latin1(bytes.subarray(12, 16)) === "IHDR";
}

function isJpeg(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, [0xff, 0xd8, 0xff])) return false;
  // The end-of-image marker must follow the start-of-image marker (index 2 is SOI's trailing FF).
  const from = Math.max(2, bytes.length - TAIL_WINDOW);
  for (let i = bytes.length - 2; i >= from; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

function baseName(name: string): string {
  const parts = name.split(/[/\\]/);
  return parts[parts.length - 1] ?? "";
}

function typeLabel(type: ReceiptType): string {
  return type.ext === "pdf" ? "PDF" : type.ext === "png" ? "PNG" : "JPEG";
}

/**
 * Decides whether an upload is a receipt we accept, from its bytes: PDF, PNG or JPEG only. The
 * file name's last extension and the declared Content-Type (when it says anything) must agree with
 * what the bytes are. Reasons are sentences to show the uploader.
 */
export function sniffReceipt(
  bytes: Uint8Array,
  filename: string,
  declaredType: string,
): { ok: true; type: ReceiptType } | { ok: false; reason: string } {
  if (CONTROL_CHARS.test(filename)) {
    return { ok: false, reason: `The file name "${sanitizeFilename(filename)}" contains control characters; rename the file and try again.` };
  }
  const shown = `"${sanitizeFilename(filename)}"`;
  if (bytes.length === 0) return { ok: false, reason: `${shown} is empty.` };
  if (bytes.length > RECEIPT_MAX_BYTES) return { ok: false, reason: `${shown} is larger than 10 MB.` };

  const type = isPdf(bytes) ? PDF : isPng(bytes) ? PNG : isJpeg(bytes) ? JPEG : null;
  if (!type) return { ok: false, reason: `${shown} is not a PDF, PNG or JPEG file.` };

  const base = baseName(filename);
  const dot = base.lastIndexOf(".");
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
  if (!EXTENSIONS[type.ext].includes(ext)) {
    return { ok: false, reason: `${shown} is a ${typeLabel(type)} file, so its name must end in .${type.ext}.` };
  }

  const declared = (declaredType.split(";")[0] ?? "").trim().toLowerCase();
  if (declared !== "" && declared !== "application/octet-stream" && !DECLARED_TYPES[type.ext].includes(declared)) {
    return { ok: false, reason: `${shown} was sent as ${declared.slice(0, 80)} but is a ${typeLabel(type)} file.` };
  }
  return { ok: true, type };
}

/**
 * The uploader's file name, made fit to keep as metadata and show back: base name only, no control
 * characters, whitespace collapsed, at most 100 characters with the extension kept. Never a path.
 */
export function sanitizeFilename(name: string): string {
  const cleaned = baseName(name.replace(LONE_SURROGATES, "\ufffd").normalize("NFC"))
    .replace(CONTROL_CHARS_ALL, "")
    .replace(/\s+/gu, " ")
    .trim();
  if (cleaned === "" || cleaned === "." || cleaned === "..") return "receipt";

  const chars = Array.from(cleaned); // code points, so a surrogate pair is never split
  const max = 100;
  if (chars.length <= max) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const ext = dot > 0 ? Array.from(cleaned.slice(dot)) : [];
  if (ext.length === 0 || ext.length > 16) return chars.slice(0, max).join("").trim();
  return chars.slice(0, max - ext.length).join("").trimEnd() + ext.join("");
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code; // Node's fs errors carry .code
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a receipt under a fresh random 128-bit name in `dir` (created 0700 if missing), durably:
 * temp file, fsync, chmod 0600, rename, fsync of the directory. Only after this resolves may the
 * caller commit the row. On failure nothing is left behind and the error is rethrown.
 */
export async function storeReceiptFile(
  dir: string,
  bytes: Uint8Array,
): Promise<{ storedName: string; size: number; sha256: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const storedName = randomBytes(16).toString("hex");
  const finalPath = path.join(dir, storedName);
  const tempPath = path.join(dir, TEMP_PREFIX + randomBytes(8).toString("hex"));
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  let handle: FileHandle | null = null;
  let renamed = false;
  try {
    handle = await open(tempPath, "wx", 0o600);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.chmod(0o600); // open's mode is filtered by umask; make it exact
    await handle.close();
    handle = null;
    await rename(tempPath, finalPath);
    renamed = true;
    await fsyncDir(dir);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    // If the rename happened but the directory fsync failed, the caller will not commit a row, so
    // the file would only be an orphan: remove it too.
    await unlink(renamed ? finalPath : tempPath).catch(() => undefined);
    throw error;
  }
  return { storedName, size: bytes.byteLength, sha256 };
}

/** Deletes a stored receipt; a file already gone is fine. Throws on a name we could not have made. */
export async function removeReceiptFile(dir: string, storedName: string): Promise<void> {
  if (!STORED_NAME.test(storedName)) throw new Error(`Not a stored receipt name: ${JSON.stringify(storedName)}`);
  try {
    await unlink(path.join(dir, storedName));
  } catch (error) {
    if (!isErrno(error, "ENOENT")) throw error;
  }
}

/**
 * Deletes files that no row refers to: stored names not in `known`, and abandoned temp files, but
 * only those last modified before `now - olderThanMs`. The age guard covers the window between
 * storeReceiptFile and the row's commit (and a `known` set read slightly earlier), so pick
 * `olderThanMs` well above that (an hour, say). Returns the deleted names; a missing dir is [].
 */
export async function sweepOrphanReceipts(
  dir: string,
  known: Set<string>,
  olderThanMs: number,
  now = Date.now(),
): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
  const cutoff = now - olderThanMs;
  const deleted: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const name = entry.name;
    const orphan = STORED_NAME.test(name) ? !known.has(name) : name.startsWith(TEMP_PREFIX);
    if (!orphan) continue;
    const filePath = path.join(dir, name);
    try {
      const stats = await lstat(filePath);
      if (stats.mtimeMs >= cutoff) continue;
      await unlink(filePath);
      deleted.push(name);
    } catch (error) {
      if (!isErrno(error, "ENOENT")) throw error; // gone meanwhile: nothing to do
    }
  }
  return deleted;
}

/**
 * Content-Disposition for a download (RFC 6266, with RFC 5987 filename*): an ASCII-only quoted
 * fallback for old clients plus the exact UTF-8 name. No CR/LF or quote can reach the header.
 */
export function contentDisposition(filename: string): string {
  const name = filename.replace(LONE_SURROGATES, "\ufffd").replace(CONTROL_CHARS_ALL, "_") || "receipt";
  // "%" too: RFC 6266 appendix D notes some clients percent-decode the plain filename parameter.
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/gu, "_");
  // encodeURIComponent leaves ' ( ) * alone, which are not attr-char in RFC 5987.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
