import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, mkdir, open, readdir, rename, unlink } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import type { FileHandle } from "node:fs/promises";

// Receipt files on disk (RELIABILITY UP-1..UP-6). No database access here: the caller stores the
// row, and commits it only after storeReceiptFile has returned (file first, then row; the sweeper
// cleans up files whose row never landed).

/** Per-file limit; set explicitly because Remix's default upload limit is 3,000,000 bytes. */
export const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;
export const RECEIPT_MAX_FILES = 5;
/** Pixels an image receipt may decode to (a 6000 x 4000 photo is 24 million): bounds decode cost. */
export const RECEIPT_MAX_PIXELS = 25_000_000;
/**
 * Bytes an image receipt may decode to (width x height x channels x bytes per sample). Pixels
 * alone do not bound memory: a 16-bit RGBA image holds 8 bytes a pixel, and applying an EXIF
 * rotation makes libvips hold the whole decoded image, outside the JS heap's limit. 64 MiB
 * takes a 20-megapixel photo (5472 x 3648 x 3 = 60 MB).
 */
export const RECEIPT_MAX_DECODED_BYTES = 64 * 1024 * 1024;

const BYTES_PER_SAMPLE: Record<string, number> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4, complex: 8, double: 8, dpcomplex: 16 };

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
// Markers that a browser's HTML sniffer (or an XSS payload) would need; none belongs anywhere in a
// genuine PDF, so their presence means an HTML/PDF polyglot. The whole file is searched: a
// polyglot can put its HTML after the first KiB.
// Markers are at least five characters: a shorter one (`<img`, `<a `) turns up by chance in
// megabytes of compressed PDF streams. This check is a second line: what protects a reader is
// that receipts are only ever served as downloads (attachment, nosniff, CSP sandbox).
const HTML_MARKERS = [
  "<html",
  "<script",
  "<!doctype",
  "<head",
  "<body",
  "<iframe",
  "<svg",
  "<img src",
  "<a href",
  "<object",
  "<embed",
  "<meta http-equiv",
  "<form",
  "onerror=",
  "onload=",
];
const LONGEST_MARKER = Math.max(...HTML_MARKERS.map((m) => m.length));

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Whether latin1 text (lowercased here) holds an HTML marker. */
function hasHtmlMarker(text: string): boolean {
  const lower = text.toLowerCase();
  return HTML_MARKERS.some((marker) => lower.includes(marker));
}

// What the first and last KiB of a file say it is (the PDF's HTML check is separate: it needs the
// whole file). For a file under a KiB, `head` and `tail` are both the whole file.
function detectType(head: Uint8Array, tail: Uint8Array): ReceiptType | null {
  if (latin1(head.subarray(0, 5)) === "%PDF-") return latin1(tail).includes("%%EOF") ? PDF : null;
  // PNG: signature, then the first chunk's 4-byte length, then its type, which must be IHDR.
  if (startsWith(head, PNG_SIGNATURE)) return latin1(head.subarray(12, 16)) === "IHDR" ? PNG : null;
  // JPEG: start-of-image marker, and the end-of-image marker somewhere in the last KiB.
  if (startsWith(head, [0xff, 0xd8, 0xff])) return latin1(tail).includes("\xff\xd9") ? JPEG : null;
  return null;
}

/** Whether the first bytes of an upload could begin a PDF, PNG or JPEG (refuse the rest early). */
export function couldBeReceipt(head: Uint8Array): boolean {
  const prefixes = [[0x25, 0x50, 0x44, 0x46, 0x2d], PNG_SIGNATURE, [0xff, 0xd8, 0xff]];
  return prefixes.some((p) => p.slice(0, head.length).every((b, i) => head[i] === b));
}

function baseName(name: string): string {
  return name.split(/[/\\]/).at(-1)!; // split always gives at least one part
}

function typeLabel(type: ReceiptType): string {
  return type.ext === "pdf" ? "PDF" : type.ext === "png" ? "PNG" : "JPEG";
}

/**
 * Decides whether an upload is a receipt we accept, from its bytes: PDF, PNG or JPEG only. The
 * file name's last extension and the declared Content-Type (when it says anything) must agree with
 * what the bytes are. Reasons are sentences to show the uploader. (Images are then re-encoded by
 * reencodeImageReceipt, which refuses what does not decode.)
 */
export function sniffReceipt(bytes: Uint8Array, filename: string, declaredType: string): { ok: true; type: ReceiptType } | { ok: false; reason: string } {
  const file = { head: bytes.subarray(0, TAIL_WINDOW), tail: bytes.subarray(-TAIL_WINDOW), size: bytes.length };
  return judgeReceipt({ ...file, htmlInside: () => hasHtmlMarker(latin1(bytes)) }, filename, declaredType);
}

/** sniffReceipt for a file on disk: reads its first and last KiB, and streams a PDF whole. */
export async function sniffReceiptFile(
  filePath: string,
  filename: string,
  declaredType: string,
): Promise<{ ok: true; type: ReceiptType } | { ok: false; reason: string }> {
  const handle = await open(filePath, "r");
  let file: { head: Uint8Array; tail: Uint8Array; size: number };
  try {
    const { size } = await handle.stat();
    file = { head: await readWindow(handle, 0), tail: await readWindow(handle, Math.max(0, size - TAIL_WINDOW)), size };
  } finally {
    await handle.close();
  }
  const verdict = judgeReceipt(file, filename, declaredType);
  if (verdict.ok && verdict.type === PDF && (await fileHasHtmlMarker(filePath))) {
    return { ok: false, reason: `"${sanitizeFilename(filename)}" is not a PDF, PNG or JPEG file.` };
  }
  return verdict;
}

// Up to a KiB of a file from `position`.
async function readWindow(handle: FileHandle, position: number): Promise<Uint8Array> {
  const { buffer, bytesRead } = await handle.read(new Uint8Array(TAIL_WINDOW), 0, TAIL_WINDOW, position);
  return buffer.subarray(0, bytesRead);
}

// Searches a file for the HTML markers chunk by chunk (64 KiB, the stream's default); chunks overlap
// by a marker's length so a marker split between two reads is still found.
async function fileHasHtmlMarker(filePath: string): Promise<boolean> {
  let carry = "";
  for await (const chunk of createReadStream(filePath)) {
    const text = carry + latin1(chunk as Buffer);
    if (hasHtmlMarker(text)) return true;
    carry = text.slice(-(LONGEST_MARKER - 1));
  }
  return false;
}

function judgeReceipt(
  // htmlInside: whether a PDF's bytes hold HTML, when they are at hand (a file on disk is searched after)
  file: { head: Uint8Array; tail: Uint8Array; size: number; htmlInside?: () => boolean },
  filename: string,
  declaredType: string,
): { ok: true; type: ReceiptType } | { ok: false; reason: string } {
  if (CONTROL_CHARS.test(filename)) {
    return { ok: false, reason: `The file name "${sanitizeFilename(filename)}" contains control characters; rename the file and try again.` };
  }
  const shown = `"${sanitizeFilename(filename)}"`;
  if (file.size === 0) return { ok: false, reason: `${shown} is empty.` };
  if (file.size > RECEIPT_MAX_BYTES) return { ok: false, reason: `${shown} is larger than 10 MB.` };

  const detected = detectType(file.head, file.tail);
  const type = detected === PDF && file.htmlInside?.() ? null : detected;
  if (!type) return { ok: false, reason: `${shown} is not a PDF, PNG or JPEG file.` };

  const ext = path.extname(baseName(filename)).slice(1).toLowerCase(); // "" for ".pdf" and "invoice"
  if (!EXTENSIONS[type.ext].includes(ext)) {
    return { ok: false, reason: `${shown} is a ${typeLabel(type)} file, so its name must end in .${type.ext}.` };
  }

  const declared = declaredType.split(";")[0]!.trim().toLowerCase();
  if (declared !== "" && declared !== "application/octet-stream" && !DECLARED_TYPES[type.ext].includes(declared)) {
    return { ok: false, reason: `${shown} was sent as ${declared.slice(0, 80)} but is a ${typeLabel(type)} file.` };
  }
  return { ok: true, type };
}

// One image at a time, on one libvips thread, with no cache: decoding is the expensive part, and
// several uploads at once must not multiply it.
sharp.concurrency(1);
sharp.cache(false);
let imageQueue: Promise<unknown> = Promise.resolve();

/**
 * Decodes a PNG or JPEG receipt and writes it afresh to `destPath` in the same format (EXIF
 * orientation applied): only pixels survive, so text chunks, comments, EXIF (GPS) and any bytes
 * after the image are gone. Refuses, with a sentence, an image that does not decode or that is
 * over RECEIPT_MAX_PIXELS.
 */
export async function reencodeImageReceipt(
  srcPath: string,
  destPath: string,
  type: ReceiptType,
  filename: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const shown = `"${sanitizeFilename(filename)}"`;
  const run = async (): Promise<{ ok: true } | { ok: false; reason: string }> => {
    try {
      // The header alone, with no pixel limit: an image over the limit gets the sentence below, not
      // sharp's "exceeds pixel limit" (which would read as a damaged file).
      const { format, width = 0, height = 0, channels = 4, depth = "uchar" } = await sharp(srcPath, { limitInputPixels: false }).metadata();
      if (format !== (type.ext === "png" ? "png" : "jpeg")) return { ok: false, reason: `${shown} is not a PDF, PNG or JPEG file.` };
      if (width * height > RECEIPT_MAX_PIXELS) {
        return { ok: false, reason: `${shown} is ${width} x ${height} pixels; images may have at most 25 million. Send a smaller image or a PDF.` };
      }
      if (width * height * channels * (BYTES_PER_SAMPLE[depth] ?? 8) > RECEIPT_MAX_DECODED_BYTES) {
        return {
          ok: false,
          reason: `${shown} (${width} x ${height} pixels, ${channels} channels) is too large to check: images may decode to at most 64 MiB. Send a smaller image or a PDF.`,
        };
      }
      // 8 bits a sample in sRGB: a receipt needs no more, and a 16-bit image is not kept as one.
      // failOn "error": a photo with a damaged data segment (libjpeg only warns) is still taken.
      const image = sharp(srcPath, { limitInputPixels: RECEIPT_MAX_PIXELS, failOn: "error", sequentialRead: true });
      const out = image.rotate().toColourspace("srgb");
      await (type.ext === "png" ? out.png({ compressionLevel: 9 }) : out.jpeg({ quality: 90 })).toFile(destPath);
      return { ok: true };
    } catch {
      await unlink(destPath).catch(() => undefined);
      return { ok: false, reason: `${shown} could not be read as a ${typeLabel(type)} image; it may be damaged.` };
    }
  };
  const result = imageQueue.then(run, run);
  imageQueue = result.catch(() => undefined);
  return result;
}

/**
 * The uploader's file name, made fit to keep as metadata and show back: base name only, no control
 * characters, whitespace collapsed, at most 100 characters with the extension kept. Never a path.
 */
export function sanitizeFilename(name: string): string {
  const cleaned = baseName(name.replace(LONE_SURROGATES, "\ufffd").normalize("NFC")).replace(CONTROL_CHARS_ALL, "").replace(/\s+/gu, " ").trim();
  if (cleaned === "" || cleaned === "." || cleaned === "..") return "receipt";

  const chars = Array.from(cleaned); // code points, so a surrogate pair is never split
  const max = 100;
  if (chars.length <= max) return cleaned;
  const extension = Array.from(path.extname(cleaned)); // none when the only dot starts the name
  const ext = extension.length > 16 ? [] : extension; // that long, it is just part of the name
  return (
    chars
      .slice(0, max - ext.length)
      .join("")
      .trimEnd() + ext.join("")
  );
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

/** A fresh temp path in `dir` (created 0700 if missing); the sweeper removes it if it is abandoned. */
export async function receiptTempPath(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, TEMP_PREFIX + randomBytes(8).toString("hex"));
}

/**
 * Writes a receipt under a fresh random 128-bit name in `dir` (created 0700 if missing), durably:
 * temp file, fsync, chmod 0600, rename, fsync of the directory. Only after this resolves may the
 * caller commit the row. On failure nothing is left behind and the error is rethrown.
 */
export async function storeReceiptFile(dir: string, bytes: Uint8Array): Promise<{ storedName: string; size: number; sha256: string }> {
  const tempPath = await receiptTempPath(dir);
  let handle: FileHandle | null = null;
  try {
    handle = await open(tempPath, "wx", 0o600);
    await handle.writeFile(bytes);
    await handle.close();
    handle = null;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  return storeReceiptTempFile(dir, tempPath);
}

/**
 * storeReceiptFile for bytes already in a temp file in `dir` (see receiptTempPath): hashes what is
 * there, fsyncs, sets 0600 and renames it to a fresh random name. On failure neither the temp file
 * nor the stored one is left, and the error is rethrown.
 */
export async function storeReceiptTempFile(dir: string, tempPath: string): Promise<{ storedName: string; size: number; sha256: string }> {
  const storedName = randomBytes(16).toString("hex");
  const finalPath = path.join(dir, storedName);
  let handle: FileHandle | null = null;
  let renamed = false;
  try {
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of createReadStream(tempPath)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    handle = await open(tempPath, "r+");
    await handle.sync();
    await handle.chmod(0o600); // open's mode is filtered by umask; make it exact
    await handle.close();
    handle = null;
    await rename(tempPath, finalPath);
    renamed = true;
    await fsyncDir(dir);
    return { storedName, size, sha256: hash.digest("hex") };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    // If the rename happened but the directory fsync failed, the caller will not commit a row, so
    // the file would only be an orphan: remove it too.
    await unlink(renamed ? finalPath : tempPath).catch(() => undefined);
    throw error;
  }
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
export async function sweepOrphanReceipts(dir: string, known: Set<string>, olderThanMs: number, now = Date.now()): Promise<string[]> {
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
