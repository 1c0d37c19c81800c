// Reading a form body with every limit enforced while the bytes arrive (security review: one form
// post of 60,000 fields froze the server; six 9 MiB text parts ran it out of memory). Nothing here
// buffers more than the limits allow, and a refusal is answered at once: the rest of the body is
// never read, and the connection is closed after the answer.
import Busboy from "@fastify/busboy";
import { json } from "@remix-run/node";
import type { Readable } from "node:stream";

/** Any form without files: whole body. The CSV import is the largest real one. */
export const MAX_FORM_BYTES = 1024 * 1024;
/** Fields (or multipart parts) in any form; ours have at most a few dozen. */
export const MAX_FORM_FIELDS = 200;
/** A form carrying receipts: 5 files of 10 MiB plus its text, with room for multipart framing. */
export const MAX_UPLOAD_FORM_BYTES = 60 * 1024 * 1024;

export type FormLimits = {
  /** The whole body, counted as it streams (so a chunked body without a length is bounded too). */
  maxBytes: number;
  /** Fields, or multipart parts including files. */
  maxFields: number;
  /** One text field (its raw bytes). */
  maxFieldBytes: number;
  /** All text fields together. */
  maxTextBytes: number;
  /** File parts with a file name; 0 refuses any file. */
  maxFiles: number;
  /** One file. */
  maxFileBytes: number;
};

export const FORM_LIMITS: FormLimits = {
  maxBytes: MAX_FORM_BYTES,
  maxFields: MAX_FORM_FIELDS,
  maxFieldBytes: MAX_FORM_BYTES,
  maxTextBytes: MAX_FORM_BYTES,
  maxFiles: 0,
  maxFileBytes: 0,
};

const KIB = 1024;
const MIB = 1024 * 1024;

function size(bytes: number): string {
  return bytes >= MIB ? `${bytes / MIB} MiB` : `${bytes / KIB} KiB`;
}

/**
 * A refusal to throw from an action. `Connection: close` because the rest of the body is left
 * unread: Node closes the connection after this answer instead of reading on.
 */
export function refuseForm(status: number, message: string): Response {
  return json({ message }, { status, headers: { Connection: "close" } });
}

export const tooLarge = (limit: number) => refuseForm(413, `That form is too large: the limit is ${size(limit)}.`);
export const tooManyFields = (limit: number) => refuseForm(413, `That form has too many fields: the limit is ${limit}.`);
const fieldTooLong = (name: string | null, limit: number) =>
  refuseForm(413, `${name ? `The field "${name.slice(0, 40)}"` : "A field"} is too long: each field may hold at most ${size(limit)}.`);
const textTooLarge = (limit: number) => refuseForm(413, `The form's text is too long: all fields together may hold at most ${size(limit)}.`);
const fileTooLarge = (limit: number) => refuseForm(413, `Each file must be ${size(limit)} or smaller.`);
const unreadable = () => refuseForm(400, "The form could not be read.");

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * An application/x-www-form-urlencoded body as FormData, in linear time. The `&`-separated pairs
 * and each pair's length are counted as the chunks arrive, so 60,000 fields are refused after the
 * first 200 without being decoded.
 */
export async function readUrlEncodedForm(body: ReadableStream<Uint8Array> | null, limits: FormLimits): Promise<FormData> {
  const form = new FormData();
  if (!body) return form;
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  let separators = 0;
  let pairBytes = 0;
  let refusal: Response | null = null;
  try {
    while (!refusal) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      // Every byte of this body is text, so the text limit is a body limit here.
      if (total > Math.min(limits.maxBytes, limits.maxTextBytes)) {
        refusal = limits.maxTextBytes < limits.maxBytes ? textTooLarge(limits.maxTextBytes) : tooLarge(limits.maxBytes);
        break;
      }
      const chunk = asBuffer(value);
      for (let from = 0; ;) {
        const amp = chunk.indexOf(0x26, from);
        pairBytes += (amp === -1 ? chunk.length : amp) - from;
        if (pairBytes > limits.maxFieldBytes) {
          refusal = fieldTooLong(pairName(chunk, from), limits.maxFieldBytes);
          break;
        }
        if (amp === -1) break;
        // n separators mean at least n + 1 pairs
        if (++separators >= limits.maxFields) {
          refusal = tooManyFields(limits.maxFields);
          break;
        }
        pairBytes = 0;
        from = amp + 1;
      }
      chunks.push(chunk);
    }
  } catch {
    refusal = unreadable();
  }
  if (refusal) {
    // Stop reading but do not cancel: cancelling destroys the socket before the answer is sent.
    reader.releaseLock();
    throw refusal;
  }
  for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString("utf8"))) form.append(name, value);
  return form;
}

// The name of the pair that went over its limit, for the message (best effort: when the pair
// began in an earlier chunk, its name is not at hand).
function pairName(chunk: Buffer, from: number): string | null {
  const head = chunk.subarray(from, from + 200).toString();
  const eq = head.indexOf("=");
  if (eq === -1) return null; // (an empty name, "=value", comes out as "" below)
  const name = head.slice(0, eq).replace(/\+/g, " ");
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * One file part as it streams in; `stream` ends at the part's end. `signal` aborts on a refusal:
 * pass it to pipeline(), which then settles even if the refusal came before the pipe began.
 */
export type IncomingFile = { field: string; filename: string; mimeType: string; stream: Readable; signal: AbortSignal };

/**
 * A multipart/form-data body: text fields as FormData, and each file part handed to `onFile`, which
 * must consume its stream (to disk, say) and resolve with what it made. Every limit is checked as the
 * bytes arrive; on a refusal the file streams still open are destroyed, `discard` is called for
 * every file already received, and the refusal (a 413/422/400 Response) is thrown. `onFile` may
 * reject with a Response to refuse the form at once (a file that is not a receipt, say).
 */
export async function readMultipartForm<T>(
  request: Request,
  limits: FormLimits,
  onFile: (file: IncomingFile) => Promise<T>,
  discard: (received: T) => Promise<void>,
): Promise<{ form: FormData; files: T[] }> {
  const form = new FormData();
  const pending: Promise<T>[] = [];
  const open: Readable[] = []; // file streams, destroyed on a refusal (destroying an ended one is harmless)
  let refusal: unknown = null;
  let parts = 0;
  let files = 0;
  let text = 0;
  let onRefusal = () => {};
  const refused = new Promise<void>((resolve) => (onRefusal = resolve));
  const abort = new AbortController();

  const fail = (reason: unknown) => {
    if (refusal) return;
    refusal = reason;
    abort.abort();
    for (const stream of open) stream.destroy();
    onRefusal();
  };

  // fileSize applies to text parts too (they arrive as streams): it must let the largest text part through.
  const partLimit = Math.max(limits.maxFileBytes, limits.maxFieldBytes);
  // A part nobody reads. A body that ends inside a part errors the part's stream: that is a 400
  // (a stream handed to onFile reports it there), never an uncaught error.
  const readToNowhere = (stream: Readable) => stream.on("error", () => fail(unreadable())).resume();
  let busboy: InstanceType<typeof Busboy>;
  try {
    busboy = new Busboy({
      headers: { "content-type": request.headers.get("content-type") ?? "" },
      // Every part arrives as a stream, text too, so a text part's size is checked as it grows
      // (busboy's own field limit only truncates, and says so at the part's end).
      isPartAFile: () => true,
      limits: { fieldNameSize: 200, fileSize: partLimit, headerPairs: 20 },
    });
  } catch {
    throw unreadable();
  }
  const finished = new Promise<void>((resolve) => busboy.once("finish", resolve));
  busboy.on("error", () => fail(unreadable()));
  busboy.on("file", (field, stream, filename, _encoding, mimeType) => {
    if (refusal) return void readToNowhere(stream);
    if (++parts > limits.maxFields) return fail(tooManyFields(limits.maxFields));
    if (filename === undefined) {
      stream.on("error", () => fail(unreadable()));
      const chunks: Buffer[] = [];
      let length = 0;
      stream.on("data", (chunk: Buffer) => {
        length += chunk.length;
        text += chunk.length;
        if (length > limits.maxFieldBytes) return fail(fieldTooLong(field, limits.maxFieldBytes));
        if (text > limits.maxTextBytes) return fail(textTooLarge(limits.maxTextBytes));
        chunks.push(chunk);
      });
      stream.on("end", () => form.append(field, Buffer.concat(chunks).toString("utf8"))); // unused after a refusal
      return;
    }
    if (filename === "") {
      // A file input left empty: browsers send a nameless, empty part. Skip it, bounded all the same.
      stream.on("limit", () => fail(fileTooLarge(partLimit)));
      return void readToNowhere(stream);
    }
    if (++files > limits.maxFiles) {
      readToNowhere(stream);
      return fail(limits.maxFiles === 0 ? refuseForm(400, "This form takes no files.") : refuseForm(422, `Attach at most ${limits.maxFiles} receipts.`));
    }
    open.push(stream);
    stream.on("limit", () => fail(fileTooLarge(limits.maxFileBytes)));
    const received = onFile({ field, filename, mimeType, stream, signal: abort.signal });
    received.catch((error: unknown) => fail(error));
    pending.push(received);
  });

  const reader = request.body?.getReader();
  let total = 0;
  try {
    while (reader && !refusal) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) {
        fail(tooLarge(limits.maxBytes));
        break;
      }
      if (!busboy.write(asBuffer(value))) {
        // Backpressure (a file being written to disk): wait for busboy, or for a refusal.
        await Promise.race([new Promise((resolve) => busboy.once("drain", resolve)), refused]);
      }
    }
    if (!refusal) {
      busboy.end();
      await Promise.race([finished, refused]);
    }
  } catch {
    fail(unreadable());
  }
  if (!refusal) {
    await Promise.allSettled(pending);
    if (!refusal) return { form, files: await Promise.all(pending) }; // all fulfilled: a rejection sets `refusal` first
  }
  // Stop reading but do not cancel: cancelling destroys the socket before the answer is sent.
  reader?.releaseLock();
  busboy.destroy();
  const settled = await Promise.allSettled(pending);
  await Promise.all(settled.map((s) => (s.status === "fulfilled" ? discard(s.value).catch(() => undefined) : undefined)));
  throw refusal;
}
