import {
  json,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { env } from "../env.server";
import type { NewReceipt } from "../models/expenses.server";
import { RECEIPT_MAX_BYTES, RECEIPT_MAX_FILES, removeReceiptFile, sanitizeFilename, sniffReceipt, storeReceiptFile } from "./receipts.server";

/**
 * Reads a form that may carry receipt files (field `receipts`). Limits are enforced while
 * streaming: 10 MiB a file (413), 5 files (422); every file must be a PDF, PNG or JPEG by
 * its content and name (422). Returns the other fields and the checked files, in memory.
 */
export async function readFormWithReceipts(request: Request): Promise<{ form: FormData; files: { name: string; bytes: Uint8Array; mime: string }[] }> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (request.method !== "POST") throw json({ message: "Use POST." }, { status: 405 });
  if (!type.startsWith("multipart/form-data") && !type.startsWith("application/x-www-form-urlencoded")) {
    throw json({ message: "Send this as a form." }, { status: 415 });
  }
  let form: FormData;
  try {
    form = type.startsWith("multipart/")
      ? await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: RECEIPT_MAX_BYTES }))
      : await request.formData();
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) throw json({ message: "Each receipt must be 10 MiB or smaller." }, { status: 413 });
    throw json({ message: "The form could not be read." }, { status: 400 });
  }
  if ([...form.keys()].length > 40) throw json({ message: "That form has too many fields." }, { status: 400 });
  const uploads = form.getAll("receipts").filter((f): f is File => typeof f !== "string" && (f.size > 0 || f.name !== ""));
  if (uploads.length > RECEIPT_MAX_FILES) throw json({ message: `Attach at most ${RECEIPT_MAX_FILES} receipts.` }, { status: 422 });
  const files = [];
  for (const f of uploads) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const sniffed = sniffReceipt(bytes, f.name, f.type);
    if (!sniffed.ok) throw json({ message: sniffed.reason }, { status: 422 });
    files.push({ name: f.name, bytes, mime: sniffed.type.mime });
  }
  return { form, files };
}

/**
 * Writes checked receipts to UPLOADS_DIR (random names, 0600, fsynced), runs `commit` with
 * their records, and removes the files again if `commit` throws, so no file is left
 * without a row. (Files left by a crash in between are swept at start-up.)
 */
export async function withStoredReceipts<T>(files: { name: string; bytes: Uint8Array; mime: string }[], commit: (receipts: NewReceipt[]) => T): Promise<T> {
  const stored: NewReceipt[] = [];
  try {
    for (const f of files) {
      const { storedName, size, sha256 } = await storeReceiptFile(env.UPLOADS_DIR, f.bytes);
      stored.push({ storedName, size, sha256, mime: f.mime, originalName: sanitizeFilename(f.name) });
    }
    return commit(stored);
  } catch (error) {
    await Promise.all(stored.map((s) => removeReceiptFile(env.UPLOADS_DIR, s.storedName).catch(() => undefined)));
    throw error;
  }
}
