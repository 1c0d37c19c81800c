import { createWriteStream } from "node:fs";
import { unlink } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "../env.server";
import { formType } from "../schemas/form";
import {
  MAX_FORM_FIELDS,
  MAX_UPLOAD_FORM_BYTES,
  readMultipartForm,
  readUrlEncodedForm,
  refuseForm,
  type FormLimits,
  type IncomingFile,
} from "./form-body.server";
import {
  couldBeReceipt,
  RECEIPT_MAX_BYTES,
  RECEIPT_MAX_FILES,
  receiptTempPath,
  reencodeImageReceipt,
  removeReceiptFile,
  sanitizeFilename,
  sniffReceiptFile,
  storeReceiptTempFile,
} from "./receipts.server";
import type { NewReceipt } from "../models/expenses.server";

/**
 * Limits for a form that carries receipts. Its longest text field is an expense description (5,000
 * characters, at most 20 KB of UTF-8); 64 KiB a field and 256 KiB of text in all leave room and
 * keep a hostile request small. Files are streamed to disk, never held whole in memory.
 */
export const RECEIPT_FORM_LIMITS: FormLimits = {
  maxBytes: MAX_UPLOAD_FORM_BYTES,
  maxFields: 50,
  maxFieldBytes: 64 * 1024,
  maxTextBytes: 256 * 1024,
  maxFiles: RECEIPT_MAX_FILES,
  maxFileBytes: RECEIPT_MAX_BYTES,
};
// A form without files sent to an expense page (a vote, say) is a plain form.
const PLAIN_LIMITS: FormLimits = { ...RECEIPT_FORM_LIMITS, maxBytes: RECEIPT_FORM_LIMITS.maxTextBytes, maxFields: MAX_FORM_FIELDS, maxFiles: 0 };

/** A receipt that passed every check, waiting in a temp file under UPLOADS_DIR to be stored. */
export type CheckedReceipt = { name: string; mime: string; tempPath: string };

type Received = { name: string; declaredType: string; tempPath: string };

const notAReceipt = (filename: string) => refuseForm(422, `"${sanitizeFilename(filename)}" is not a PDF, PNG or JPEG file.`);

class NotAReceipt extends Error {}

// Refuses a file whose first bytes cannot begin a receipt, without writing the rest of it.
function checkFirstBytes(): Transform {
  let head = Buffer.alloc(0);
  let decided = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!decided) {
        head = Buffer.concat([head, chunk.subarray(0, 8)]).subarray(0, 8);
        if (!couldBeReceipt(head)) return done(new NotAReceipt());
        decided = head.length >= 8;
      }
      done(null, chunk);
    },
  });
}

async function receiveToDisk(file: IncomingFile): Promise<Received> {
  const tempPath = await receiptTempPath(env.UPLOADS_DIR);
  try {
    await pipeline(file.stream, checkFirstBytes(), createWriteStream(tempPath, { flags: "wx", mode: 0o600 }), { signal: file.signal });
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error instanceof NotAReceipt ? notAReceipt(file.filename) : error;
  }
  return { name: file.filename, declaredType: file.mimeType, tempPath };
}

const removeTemp = (tempPath: string) => unlink(tempPath).catch(() => undefined);

// What the files are (by content), and images re-encoded to new temp files. A refusal removes all.
async function checkReceipts(received: Received[]): Promise<CheckedReceipt[]> {
  const temps = new Set(received.map((r) => r.tempPath));
  try {
    const checked: CheckedReceipt[] = [];
    for (const r of received) {
      const verdict = await sniffReceiptFile(r.tempPath, r.name, r.declaredType);
      if (!verdict.ok) throw refuseForm(422, verdict.reason);
      let tempPath = r.tempPath;
      if (verdict.type.ext !== "pdf") {
        tempPath = await receiptTempPath(env.UPLOADS_DIR);
        temps.add(tempPath);
        const encoded = await reencodeImageReceipt(r.tempPath, tempPath, verdict.type, r.name);
        if (!encoded.ok) throw refuseForm(422, encoded.reason);
        temps.delete(r.tempPath);
        await removeTemp(r.tempPath);
      }
      checked.push({ name: r.name, mime: verdict.type.mime, tempPath });
    }
    return checked;
  } catch (error) {
    await Promise.all([...temps].map(removeTemp));
    throw error;
  }
}

/**
 * Reads a form that may carry receipt files (field `receipts`) and hands its fields and checked
 * files to `handle`. Limits are enforced while streaming (RECEIPT_FORM_LIMITS): 413 for a text
 * field over 64 KiB, text over 256 KiB, more than 50 parts, a file over 10 MiB or a body over
 * 60 MiB; 422 for a sixth file. Each file must be a PDF, PNG or JPEG by its content and name
 * (422); PDFs are searched whole for HTML, and images are re-encoded (EXIF and any hidden payload
 * dropped). The temp files are removed when `handle` returns or throws, unless it stored them
 * with withStoredReceipts.
 */
export async function readFormWithReceipts<T>(request: Request, handle: (form: FormData, files: CheckedReceipt[]) => Promise<T>): Promise<T> {
  if (formType(request) === "urlencoded") return handle(await readUrlEncodedForm(request.body, PLAIN_LIMITS), []);
  const { form, files } = await readMultipartForm(request, RECEIPT_FORM_LIMITS, receiveToDisk, (r) => removeTemp(r.tempPath));
  const checked = await checkReceipts(files);
  try {
    return await handle(form, checked);
  } finally {
    await Promise.all(checked.map((f) => removeTemp(f.tempPath))); // already renamed if stored
  }
}

/**
 * Moves checked receipts into UPLOADS_DIR (random names, 0600, fsynced), runs `commit` with
 * their records, and removes the files again if `commit` throws, so no file is left
 * without a row. (Files left by a crash in between are swept at start-up.)
 */
export async function withStoredReceipts<T>(files: CheckedReceipt[], commit: (receipts: NewReceipt[]) => T): Promise<T> {
  const stored: NewReceipt[] = [];
  try {
    for (const f of files) {
      const { storedName, size, sha256 } = await storeReceiptTempFile(env.UPLOADS_DIR, f.tempPath);
      stored.push({ storedName, size, sha256, mime: f.mime, originalName: sanitizeFilename(f.name) });
    }
    return commit(stored);
  } catch (error) {
    await Promise.all(stored.map((s) => removeReceiptFile(env.UPLOADS_DIR, s.storedName).catch(() => undefined)));
    throw error;
  }
}
