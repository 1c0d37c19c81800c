// The streaming form reader's limits (app/lib/form-body.server.ts), with small limits so every edge
// is a few bytes away, and real Requests.
import { describe, expect, it } from "vitest";
import { readMultipartForm, readUrlEncodedForm, type FormLimits, type IncomingFile } from "~/app/lib/form-body.server";
import { formToObject } from "~/app/schemas/form";
import { formRefusal } from "../support/remix";

const LIMITS: FormLimits = { maxBytes: 1000, maxFields: 3, maxFieldBytes: 10, maxTextBytes: 1000, maxFiles: 2, maxFileBytes: 100 };
const enc = (s: string) => new TextEncoder().encode(s);

/** A body that arrives in the given pieces. */
function piecewise(...pieces: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(enc(piece));
      controller.close();
    },
  });
}

const urlencoded = async (body: string | ReadableStream<Uint8Array> | null, limits: Partial<FormLimits> = {}) =>
  formToObject(await readUrlEncodedForm(typeof body === "string" ? piecewise(body) : body, { ...LIMITS, ...limits }));

describe("reading a urlencoded form against its limits", () => {
  it("a form with no body reads as an empty form", async () => {
    expect(await urlencoded(null)).toEqual({});
  });

  it("fields of exactly the field limit are read, however many share a piece", async () => {
    expect(await urlencoded("a=12345678&b=12345678&c=12345678")).toEqual({ a: "12345678", b: "12345678", c: "12345678" });
  });

  it("a field one byte over the limit is refused with its name", async () => {
    expect(await formRefusal(urlencoded("a=1&bb=12345678"))).toMatchObject({
      status: 413,
      message: 'The field "bb" is too long: each field may hold at most 0.009765625 KiB.',
    });
  });

  it("a field that grows over the limit across pieces is refused", async () => {
    expect((await formRefusal(urlencoded(piecewise("a=12345", "678901")))).status).toBe(413);
  });

  it("the field named in the message is decoded as the browser encoded it, and cut to 40 characters", async () => {
    const limits = { maxFieldBytes: 100 };
    const long = "n".repeat(60);
    expect((await formRefusal(urlencoded(`${long}=${"x".repeat(100)}`, limits))).message).toContain(`The field "${"n".repeat(40)}" is too long`);
    expect((await formRefusal(urlencoded(`caf%C3%A9+au+lait=${"x".repeat(100)}`, limits))).message).toContain('The field "café au lait" is too long');
    expect((await formRefusal(urlencoded(`bad%E0%A4=${"x".repeat(100)}`, limits))).message).toContain('The field "bad%E0%A4" is too long');
  });

  it("a field with no name, or no = at all, is refused as 'A field'", async () => {
    for (const body of [`=${"x".repeat(20)}`, "x".repeat(20)]) {
      expect((await formRefusal(urlencoded(body))).message, body).toBe("A field is too long: each field may hold at most 0.009765625 KiB.");
    }
  });

  it("as many fields as the limit are read, and one more is refused", async () => {
    expect(await urlencoded("a=1&b=2&c=3")).toEqual({ a: "1", b: "2", c: "3" });
    expect(await formRefusal(urlencoded("a=1&b=2&c=3&d=4"))).toMatchObject({ status: 413, message: "That form has too many fields: the limit is 3." });
  });

  it("a body of exactly the size limit is read, and one byte more is refused", async () => {
    const limits = { maxBytes: 20, maxFieldBytes: 100, maxTextBytes: 20 };
    expect(await urlencoded(`a=${"x".repeat(18)}`, limits)).toEqual({ a: "x".repeat(18) });
    expect(await formRefusal(urlencoded(`a=${"x".repeat(19)}`, limits))).toMatchObject({
      status: 413,
      message: "That form is too large: the limit is 0.01953125 KiB.",
    });
  });

  it("when the text limit is below the body limit, the text limit is the one that refuses, and says so", async () => {
    const limits = { maxBytes: 2048, maxFieldBytes: 4096, maxTextBytes: 1024 };
    expect(await formRefusal(urlencoded(`a=${"x".repeat(1500)}`, limits))).toMatchObject({
      status: 413,
      message: "The form's text is too long: all fields together may hold at most 1 KiB.",
    });
  });

  it("a body that breaks off in transit is refused with 400", async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc("a=1"));
        controller.error(new Error("socket hang up"));
      },
    });
    expect(await formRefusal(urlencoded(broken))).toMatchObject({ status: 400, message: "The form could not be read." });
  });
});

type Part = { name: string; filename?: string; body: string };
const BOUNDARY = "----form-body-test";

function multipartBody(parts: Part[]): string {
  return (
    parts
      .map(
        (p) =>
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === undefined ? "" : `; filename="${p.filename}"`}\r\n` +
          `${p.filename === undefined ? "" : "Content-Type: application/octet-stream\r\n"}\r\n${p.body}\r\n`,
      )
      .join("") + `--${BOUNDARY}--\r\n`
  );
}

/** A body that arrives one part at a time, each a moment after the last (as over a network). */
function partByPart(body: string): ReadableStream<Uint8Array> {
  const pieces = body.split(new RegExp(`(?=--${BOUNDARY})`));
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const piece = pieces.shift();
      if (piece === undefined) controller.close();
      else controller.enqueue(enc(piece));
    },
  });
}

function multipartRequest(body: string | ReadableStream<Uint8Array> | null): Request {
  return new Request("http://localhost/expenses/new", {
    method: "POST",
    headers: { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}` },
    body,
    duplex: "half",
  } as RequestInit);
}

/** Reads a multipart form, keeping each file's bytes; records what was received and discarded. */
function reader(limits: Partial<FormLimits> = {}, onFile?: (file: IncomingFile) => Promise<string>) {
  const received: string[] = [];
  const discarded: string[] = [];
  const keep = async (file: IncomingFile) => {
    let bytes = "";
    for await (const chunk of file.stream) bytes += String(chunk);
    received.push(file.filename);
    return `${file.filename}:${bytes}`;
  };
  const read = (request: Request) =>
    readMultipartForm(request, { ...LIMITS, ...limits }, onFile ?? keep, async (r) => {
      discarded.push(r);
    });
  return { read, received, discarded };
}

describe("reading a multipart form against its limits", () => {
  it("fields and files at their limits are read", async () => {
    const { read } = reader();
    const body = multipartBody([
      { name: "title", body: "1234567890" },
      { name: "receipts", filename: "a.pdf", body: "x".repeat(100) },
      { name: "receipts", filename: "b.pdf", body: "y" },
    ]);
    const { form, files } = await read(multipartRequest(body));
    expect(formToObject(form)).toEqual({ title: "1234567890" });
    expect(files).toEqual([`a.pdf:${"x".repeat(100)}`, "b.pdf:y"]);
  });

  it("a text field one byte over its limit is refused with its name", async () => {
    const { read } = reader();
    expect(await formRefusal(read(multipartRequest(multipartBody([{ name: "title", body: "12345678901" }]))))).toMatchObject({
      status: 413,
      message: 'The field "title" is too long: each field may hold at most 0.009765625 KiB.',
    });
  });

  it("text of exactly the text limit is read, one byte more is refused", async () => {
    const { read } = reader({ maxTextBytes: 20 });
    const atLimit = [
      { name: "a", body: "1234567890" },
      { name: "b", body: "1234567890" },
    ];
    expect(formToObject((await read(multipartRequest(multipartBody(atLimit)))).form)).toEqual({ a: "1234567890", b: "1234567890" });
    const over = [...atLimit, { name: "c", body: "1" }];
    expect(await formRefusal(read(multipartRequest(multipartBody(over))))).toMatchObject({
      status: 413,
      message: "The form's text is too long: all fields together may hold at most 0.01953125 KiB.",
    });
  });

  it("a file one byte over its limit is refused, and the files already received are discarded", async () => {
    const { read, discarded } = reader();
    const body = multipartBody([
      { name: "receipts", filename: "a.pdf", body: "ok" },
      { name: "receipts", filename: "b.pdf", body: "x".repeat(101) },
    ]);
    expect(await formRefusal(read(multipartRequest(partByPart(body))))).toMatchObject({ status: 413, message: "Each file must be 0.09765625 KiB or smaller." });
    expect(discarded).toEqual(["a.pdf:ok"]);
  });

  it("one file more than the limit is refused with 422, and the others are discarded", async () => {
    const { read, discarded } = reader();
    const body = multipartBody(["a", "b", "c"].map((n) => ({ name: "receipts", filename: `${n}.pdf`, body: n })));
    expect(await formRefusal(read(multipartRequest(partByPart(body))))).toMatchObject({ status: 422, message: "Attach at most 2 receipts." });
    expect(discarded.sort()).toEqual(["a.pdf:a", "b.pdf:b"]);
  });

  it("a file input left empty is skipped, even on a form that takes no files", async () => {
    const { read, received } = reader({ maxFiles: 0 });
    const body = multipartBody([
      { name: "title", body: "Taxi" },
      { name: "receipts", filename: "", body: "" },
    ]);
    const { form, files } = await read(multipartRequest(body));
    expect([formToObject(form), files, received]).toEqual([{ title: "Taxi" }, [], []]);
  });

  it("a nameless file part that is not empty is still held to the file limit", async () => {
    const { read } = reader();
    const body = multipartBody([{ name: "receipts", filename: "", body: "x".repeat(101) }]);
    expect(await formRefusal(read(multipartRequest(body)))).toMatchObject({ status: 413, message: "Each file must be 0.09765625 KiB or smaller." });
  });

  it("after a file over the limit, the next file in the same body is not received", async () => {
    const { read, received, discarded } = reader();
    const body = multipartBody([
      { name: "receipts", filename: "big.pdf", body: "x".repeat(101) },
      { name: "receipts", filename: "next.pdf", body: "n" },
    ]);
    expect((await formRefusal(read(multipartRequest(body)))).status).toBe(413);
    expect([received, discarded]).toEqual([[], []]);
  });

  it("a file refused by its handler once it has all arrived refuses the form, and the other files are discarded", async () => {
    const { read, discarded } = reader({}, async (file) => {
      let bytes = "";
      for await (const chunk of file.stream) bytes += String(chunk);
      if (file.filename === "bad.pdf") throw Response.json({ message: "bad.pdf is not a receipt" }, { status: 422 });
      return `${file.filename}:${bytes}`;
    });
    const body = multipartBody([
      { name: "receipts", filename: "good.pdf", body: "g" },
      { name: "receipts", filename: "bad.pdf", body: "b" },
    ]);
    expect(await formRefusal(read(multipartRequest(body)))).toMatchObject({ status: 422, message: "bad.pdf is not a receipt" });
    expect(discarded).toEqual(["good.pdf:g"]);
  });

  it("a file larger than the stream buffers arrives whole", async () => {
    const size = 5 * 1024 * 1024;
    const { read } = reader({ maxBytes: 2 * size, maxFileBytes: 2 * size }, async (file) => {
      let length = 0;
      for await (const chunk of file.stream) length += (chunk as Buffer).length;
      return String(length);
    });
    const { files } = await read(multipartRequest(multipartBody([{ name: "receipts", filename: "scan.pdf", body: "s".repeat(size) }])));
    expect(files).toEqual([String(size)]);
  });

  it("a multipart body that breaks off in transit is refused with 400", async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx`));
        controller.error(new Error("socket hang up"));
      },
    });
    expect(await formRefusal(reader().read(multipartRequest(broken)))).toMatchObject({ status: 400, message: "The form could not be read." });
  });

  it("once a form is refused, the files after the refusal are not received", async () => {
    const { read, received } = reader();
    const body = multipartBody([
      { name: "title", body: "much too long for the field" },
      { name: "receipts", filename: "a.pdf", body: "a" },
    ]);
    expect((await formRefusal(read(multipartRequest(body)))).status).toBe(413);
    expect(received).toEqual([]);
  });

  it("a body of exactly the size limit is read, and one byte more is refused", async () => {
    const { read } = reader();
    const base = multipartBody([{ name: "a", body: "" }]);
    const fill = (n: number) => multipartBody([{ name: "a", body: "", filename: undefined }]).replace(BOUNDARY + "--", BOUNDARY + "--" + " ".repeat(n));
    const exact = fill(LIMITS.maxBytes - base.length);
    expect(exact).toHaveLength(LIMITS.maxBytes);
    expect(formToObject((await read(multipartRequest(exact))).form)).toEqual({ a: "" });
    expect(await formRefusal(read(multipartRequest(fill(LIMITS.maxBytes - base.length + 1))))).toMatchObject({
      status: 413,
      message: "That form is too large: the limit is 0.9765625 KiB.",
    });
  });

  it("a file its handler refuses ends the read at once, though most of the body is still unsent", async () => {
    let pulled = 0;
    const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="receipts"; filename="a.zip"\r\n\r\nPK`;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(pulled === 1 ? enc(head) : new Uint8Array(64 * 1024));
      },
    });
    const notAReceipt = Response.json({ message: "not a receipt" }, { status: 422 });
    const { read } = reader({ maxBytes: 100 * 1024 * 1024, maxFileBytes: 50 * 1024 * 1024 }, () => Promise.reject(notAReceipt));
    expect(await formRefusal(read(multipartRequest(body)))).toMatchObject({ status: 422, message: "not a receipt" });
    expect(pulled).toBeLessThan(50);
  });

  it.each([
    ["a body cut off inside a text field", multipartRequest(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx`)],
    ["a body cut off inside a file", multipartRequest(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="r"; filename="a.pdf"\r\n\r\nx`)],
    ["a body cut off inside an empty file input", multipartRequest(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="r"; filename=""\r\n\r\nx`)],
    ["a multipart form with no body", multipartRequest(null)],
    [
      "a multipart form with no boundary",
      new Request("http://localhost/expenses/new", { method: "POST", headers: { "Content-Type": "multipart/form-data" }, body: "x" }),
    ],
  ])("%s is refused with 400", async (_label, request) => {
    expect(await formRefusal(reader().read(request))).toMatchObject({ status: 400, message: "The form could not be read." });
  });
});
