// Reading a form that carries receipts (app/lib/uploads.server.ts) in-process, with real Requests:
// what reaches the handler, what is left on disk (UPLOADS_DIR is this file's temp directory).
import fs from "node:fs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readFormWithReceipts, withStoredReceipts, type CheckedReceipt } from "~/app/lib/uploads.server";
import { file, pdfBytes, pngBytes, realJpeg } from "../support/files";
import { formRefusal } from "../support/remix";

const uploads = () => (fs.existsSync(process.env.UPLOADS_DIR!) ? fs.readdirSync(process.env.UPLOADS_DIR!).sort() : []);

/** The form as a browser would send it, but arriving one part at a time, each a moment after the last. */
async function partByPart(form: FormData): Promise<Request> {
  const encoded = new Response(form);
  const type = encoded.headers.get("content-type")!;
  const boundary = type.split("boundary=")[1]!;
  const body = Buffer.from(await encoded.arrayBuffer());
  const pieces: Buffer[] = [];
  for (let from = 0; from < body.length;) {
    const next = body.indexOf(`--${boundary}`, from + 1);
    pieces.push(body.subarray(from, next === -1 ? body.length : next));
    from = next === -1 ? body.length : next;
  }
  return streamed(type, pieces);
}

/** A multipart request whose body arrives as `pieces`, counting how many were pulled. */
function streamed(type: string, pieces: Uint8Array[] | ((n: number) => Uint8Array | null), counter?: { pulled: number }): Request {
  let n = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      const piece = Array.isArray(pieces) ? (pieces[n] ?? null) : pieces(n);
      n += 1;
      if (counter) counter.pulled = n;
      if (piece === null) controller.close();
      else controller.enqueue(piece);
    },
  });
  return new Request("http://localhost/expenses/new", { method: "POST", headers: { "Content-Type": type }, body, duplex: "half" } as RequestInit);
}

const post = (form: FormData) => new Request("http://localhost/expenses/new", { method: "POST", body: form });

describe("reading a form with receipts", () => {
  it("a PDF and a photo reach the handler as checked 0600 temp files, which are gone afterwards", async () => {
    const form = new FormData();
    form.set("title", "Taxi");
    form.append("receipts", file(pdfBytes(), "taxi.pdf", "application/pdf"));
    form.append("receipts", file(await realJpeg({ gps: true }), "meal.jpg", "image/jpeg"));
    const seen = await readFormWithReceipts(post(form), async (fields, files) => ({
      title: fields.get("title"),
      files: files.map((f) => ({ name: f.name, mime: f.mime, mode: fs.statSync(f.tempPath).mode & 0o777 })),
      onDisk: uploads().length,
    }));
    expect(seen.title).toBe("Taxi");
    expect(seen.files).toEqual([
      { name: "taxi.pdf", mime: "application/pdf", mode: 0o600 },
      { name: "meal.jpg", mime: "image/jpeg", mode: expect.any(Number) },
    ]);
    expect(seen.onDisk).toBe(2); // the photo's received copy is replaced by its re-encoded one
    expect(uploads()).toEqual([]);
  });

  it("the photo the handler gets is re-encoded: its EXIF (with the GPS position) is gone", async () => {
    const form = new FormData();
    form.append("receipts", file(await realJpeg({ gps: true }), "meal.jpg", "image/jpeg"));
    const exif = await readFormWithReceipts(post(form), async (_fields, files) => (await sharp(files[0]!.tempPath).metadata()).exif);
    expect(exif).toBeUndefined();
  });

  it.each([
    ["a PNG that does not decode", "broken.png", pngBytes(), "image/png", '"broken.png" could not be read as a PNG image; it may be damaged.'],
    [
      "a PDF with no end-of-file marker",
      "cut.pdf",
      new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\n"),
      "application/pdf",
      '"cut.pdf" is not a PDF, PNG or JPEG file.',
    ],
  ])("%s after a good receipt refuses the form, and neither file is left on disk", async (_label, name, bytes, type, message) => {
    const form = new FormData();
    form.append("receipts", file(pdfBytes(), "good.pdf", "application/pdf"));
    form.append("receipts", file(await realJpeg(), "good.jpg", "image/jpeg"));
    form.append("receipts", file(bytes, name, type));
    expect(await formRefusal(readFormWithReceipts(post(form), async () => "handled"))).toMatchObject({ status: 422, message });
    expect(uploads()).toEqual([]);
  });

  it("a plain form sent to the same page reaches the handler with no files", async () => {
    const request = new Request("http://localhost/expenses/1", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=vote&choice=approve",
    });
    expect(await readFormWithReceipts(request, async (fields, files) => [Object.fromEntries(fields), files])).toEqual([
      { intent: "vote", choice: "approve" },
      [],
    ]);
  });

  it("a file that does not begin like a receipt is refused after its first bytes, without reading the rest", async () => {
    const type = "multipart/form-data; boundary=b0undary";
    for (const first of ["PK\x03\x04", "%PD"]) {
      const counter = { pulled: 0 };
      const head = `--b0undary\r\nContent-Disposition: form-data; name="receipts"; filename="archive.pdf"\r\nContent-Type: application/pdf\r\n\r\n${first}`;
      const rest = first === "%PD" ? "X-1.4 not a PDF" : "";
      const request = streamed(type, (n) => (n === 0 ? Buffer.from(head, "latin1") : n === 1 ? Buffer.from(rest) : new Uint8Array(64 * 1024)), counter);
      const refused = await formRefusal(readFormWithReceipts(request, async () => "handled"));
      expect(refused, first).toMatchObject({ status: 422, message: '"archive.pdf" is not a PDF, PNG or JPEG file.' });
      expect(counter.pulled, first).toBeLessThan(10); // of an endless body
    }
    expect(uploads()).toEqual([]);
  });

  it("a sixth receipt refuses the form and removes the five already received", async () => {
    const form = new FormData();
    for (let i = 1; i <= 6; i++) form.append("receipts", file(pdfBytes(`receipt ${i}`), `r${i}.pdf`, "application/pdf"));
    expect(await formRefusal(readFormWithReceipts(await partByPart(form), async () => "handled"))).toMatchObject({
      status: 422,
      message: "Attach at most 5 receipts.",
    });
    expect(uploads()).toEqual([]);
  });

  it("when the database write fails after the files were stored, the stored files are removed", async () => {
    const form = new FormData();
    form.append("receipts", file(pdfBytes(), "a.pdf", "application/pdf"));
    form.append("receipts", file(pdfBytes("second"), "b.pdf", "application/pdf"));
    let stored: string[] = [];
    const failed = readFormWithReceipts(post(form), (_fields, files: CheckedReceipt[]) =>
      withStoredReceipts(files, (receipts) => {
        stored = receipts.map((r) => r.storedName);
        expect(uploads()).toEqual([...stored].sort());
        throw new Error("disk I/O error");
      }),
    );
    await expect(failed).rejects.toThrow("disk I/O error");
    expect(stored).toHaveLength(2);
    expect(uploads()).toEqual([]);
  });
});
