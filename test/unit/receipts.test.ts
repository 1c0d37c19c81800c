import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  contentDisposition,
  removeReceiptFile,
  sanitizeFilename,
  sniffReceipt,
  sniffReceiptFile,
  storeReceiptFile,
  sweepOrphanReceipts,
} from "~/app/lib/receipts.server";

const text = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

const pdf = text("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
const png = concat(
  new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  new Uint8Array([0, 0, 0, 13]),
  text("IHDR"),
  new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]),
  new Uint8Array(4),
  new Uint8Array([0, 0, 0, 0]),
  text("IEND"),
  new Uint8Array([0xae, 0x42, 0x60, 0x82]),
);
const jpeg = concat(
  new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  text("JFIF\0"),
  new Uint8Array([1, 1, 0, 0, 1, 0, 1, 0, 0]),
  new Uint8Array([0xff, 0xd9]),
);

function refusal(result: ReturnType<typeof sniffReceipt>): string {
  if (result.ok) throw new Error(`expected a refusal, got ${result.type.mime}`);
  return result.reason;
}

describe("checking what an uploaded receipt really is", () => {
  it.each([
    ["invoice.pdf", pdf, "application/pdf", "application/pdf"],
    ["INVOICE.PDF", pdf, "", "application/pdf"],
    ["photo.png", png, "image/png", "image/png"],
    ["photo.jpg", jpeg, "image/jpeg", "image/jpeg"],
    ["photo.JPEG", jpeg, "application/octet-stream", "image/jpeg"],
  ])("a genuine receipt %s is accepted", (name, bytes, declared, mime) => {
    const result = sniffReceipt(bytes, name, declared);
    expect(result).toEqual({ ok: true, type: { mime, ext: mime === "application/pdf" ? "pdf" : mime === "image/png" ? "png" : "jpg" } });
  });

  it.each([
    ["an HTML page renamed .pdf", "invoice.pdf", text("<!doctype html><html><body>hi</body></html>"), "application/pdf"],
    ["an SVG with a script named .png", "logo.png", text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "image/png"],
    ["a ZIP named .pdf", "archive.pdf", concat(text("PK\x03\x04"), new Uint8Array(60)), "application/pdf"],
    ["an HTML/PDF polyglot", "poly.pdf", text("%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"), "application/pdf"],
    ["a PDF with no end-of-file marker", "cut.pdf", text("%PDF-1.4\n1 0 obj\n<< >>\nendobj\n"), "application/pdf"],
    ["a JPEG with no end-of-image marker", "cut.jpg", jpeg.subarray(0, jpeg.length - 2), "image/jpeg"],
    ["a truncated PDF header", "short.pdf", text("%PD"), "application/pdf"],
    ["a PNG signature without its IHDR chunk", "short.png", png.subarray(0, 10), "image/png"],
  ])("%s is refused as not a PDF, PNG or JPEG", (_label, name, bytes, declared) => {
    expect(refusal(sniffReceipt(bytes, name, declared))).toBe(`"${name}" is not a PDF, PNG or JPEG file.`);
  });

  it("an HTML/PDF polyglot with its HTML after the first KiB is refused, in memory and on disk", async () => {
    const late = text(`%PDF-1.4\n${"% padding\n".repeat(200)}<ScRiPt>alert(1)</script>\n%%EOF\n`);
    expect(refusal(sniffReceipt(late, "late.pdf", "application/pdf"))).toBe('"late.pdf" is not a PDF, PNG or JPEG file.');
    const dir = await mkdtemp(path.join(os.tmpdir(), "receipts-"));
    try {
      // a marker split across the reader's 64 KiB chunks is found too
      const split = text(`%PDF-1.4\n${"x".repeat(64 * 1024 - 12)}<ifr` + `ame src=x>\n%%EOF\n`);
      for (const [name, bytes] of [
        ["late.pdf", late],
        ["split.pdf", split],
      ] as const) {
        await writeFile(path.join(dir, name), bytes);
        const verdict = await sniffReceiptFile(path.join(dir, name), name, "application/pdf");
        expect(verdict, name).toEqual({ ok: false, reason: `"${name}" is not a PDF, PNG or JPEG file.` });
      }
      await writeFile(path.join(dir, "fine.pdf"), pdf);
      expect(await sniffReceiptFile(path.join(dir, "fine.pdf"), "fine.pdf", "")).toEqual({ ok: true, type: { mime: "application/pdf", ext: "pdf" } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<object data=x>",
    "<embed src=x>",
    '<meta http-equiv="refresh" content="0;url=x">',
  ])("a PDF carrying %s after its first KiB is refused", (html) => {
    const bytes = text(`%PDF-1.4\n${"% padding\n".repeat(200)}${html}\n%%EOF\n`);
    expect(refusal(sniffReceipt(bytes, "x.pdf", "application/pdf"))).toBe('"x.pdf" is not a PDF, PNG or JPEG file.');
  });

  it("an empty file is refused", () => {
    expect(refusal(sniffReceipt(new Uint8Array(), "blank.pdf", "application/pdf"))).toBe('"blank.pdf" is empty.');
  });

  it("a JPEG named scan.jpg.php is refused because its last extension is .php", () => {
    expect(refusal(sniffReceipt(jpeg, "scan.jpg.php", "image/jpeg"))).toBe('"scan.jpg.php" is a JPEG file, so its name must end in .jpg.');
  });

  it("a PNG named .pdf is refused because the name disagrees with the content", () => {
    expect(refusal(sniffReceipt(png, "invoice.pdf", ""))).toContain('"invoice.pdf" is a PNG file');
  });

  it("a file with no extension is refused", () => {
    expect(refusal(sniffReceipt(pdf, "invoice", ""))).toContain("must end in .pdf");
  });

  it("a name with a NUL byte is refused", () => {
    expect(refusal(sniffReceipt(pdf, "a\u0000b.pdf", "application/pdf"))).toContain("control characters");
  });

  it("a name with a right-to-left override hiding the real extension is refused", () => {
    expect(refusal(sniffReceipt(pdf, "invoice\u202egpj.pdf", ""))).toContain("control characters");
  });

  it.each(["image/png", "text/html", "image/svg+xml"])("a PDF declared as %s is refused", (declared) => {
    expect(refusal(sniffReceipt(pdf, "invoice.pdf", declared))).toBe(`"invoice.pdf" was sent as ${declared} but is a PDF file.`);
  });

  it("a declared type with parameters and odd case still agrees", () => {
    expect(sniffReceipt(pdf, "invoice.pdf", "Application/PDF; charset=binary").ok).toBe(true);
  });
});

describe("keeping the uploader's file name as metadata", () => {
  it("a path is reduced to its base name", () => {
    expect(sanitizeFilename("../../x.pdf")).toBe("x.pdf");
    expect(sanitizeFilename("C:\\Users\\me\\Desktop\\taxi.pdf")).toBe("taxi.pdf");
  });

  it("a reserved Windows device name is kept as plain text, since it is never used as a path", () => {
    expect(sanitizeFilename("CON.pdf")).toBe("CON.pdf");
  });

  it("control characters are dropped and whitespace collapsed", () => {
    expect(sanitizeFilename("a\u0000b.pdf")).toBe("ab.pdf");
    expect(sanitizeFilename("  my \t\n receipt .pdf ")).toBe("my receipt .pdf");
  });

  it("a 300-character name is cut to 100 characters keeping its extension", () => {
    const result = sanitizeFilename(`${"a".repeat(296)}.pdf`);
    expect(result).toHaveLength(100);
    expect(result.endsWith(".pdf")).toBe(true);
  });

  it("truncation never splits an emoji", () => {
    const result = sanitizeFilename(`${"😀".repeat(150)}.png`);
    expect(Array.from(result)).toHaveLength(100);
    expect(result).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it.each(["", "   ", "../", "\u0000\u0001", ".."])("a name with nothing left (%j) becomes 'receipt'", (name) => {
    expect(sanitizeFilename(name)).toBe("receipt");
  });
});

describe("storing receipt files on disk", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "receipts-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("a stored receipt gets a random 32-hex name, mode 0600, identical bytes and no temp file left", async () => {
    const dir = path.join(root, "uploads");
    const stored = await storeReceiptFile(dir, pdf);

    expect(stored.storedName).toMatch(/^[0-9a-f]{32}$/);
    expect(stored.size).toBe(pdf.byteLength);
    expect(stored.sha256).toBe(createHash("sha256").update(pdf).digest("hex"));
    expect(await readdir(dir)).toEqual([stored.storedName]);
    expect((await stat(path.join(dir, stored.storedName))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o077).toBe(0);
    expect(new Uint8Array(await readFile(path.join(dir, stored.storedName)))).toEqual(pdf);
  });

  it("two uploads of the same bytes get different names", async () => {
    const a = await storeReceiptFile(root, jpeg);
    const b = await storeReceiptFile(root, jpeg);
    expect(a.storedName).not.toBe(b.storedName);
  });

  it("a store that cannot create its directory fails and leaves nothing behind", async () => {
    await writeFile(path.join(root, "blocker"), "not a directory");
    await expect(storeReceiptFile(path.join(root, "blocker", "uploads"), pdf)).rejects.toThrow();
    expect(await readdir(root)).toEqual(["blocker"]);
  });

  it("removing a receipt deletes it, and removing it again is fine", async () => {
    const { storedName } = await storeReceiptFile(root, png);
    await removeReceiptFile(root, storedName);
    expect(await readdir(root)).toEqual([]);
    await expect(removeReceiptFile(root, storedName)).resolves.toBeUndefined();
  });

  it.each(["../etc/passwd", "ABCDEF0123456789ABCDEF0123456789", "notes.txt", ""])("removing a file called %j is refused", async (name) => {
    await expect(removeReceiptFile(root, name)).rejects.toThrow(/Not a stored receipt name/);
  });

  it("the sweeper removes only old files that no row knows about, and old temp files", async () => {
    const now = Date.now();
    const hour = 60 * 60 * 1000;
    const old = new Date(now - 2 * hour);
    const files = {
      knownOld: "a".repeat(32),
      unknownOld: "b".repeat(32),
      unknownNew: "c".repeat(32),
      tempOld: ".tmp-0011223344556677",
      tempNew: ".tmp-8899aabbccddeeff",
      other: "README.txt",
    };
    for (const name of Object.values(files)) await writeFile(path.join(root, name), "x");
    for (const name of [files.knownOld, files.unknownOld, files.tempOld, files.other]) {
      await utimes(path.join(root, name), old, old);
    }

    const deleted = await sweepOrphanReceipts(root, new Set([files.knownOld]), hour, now);

    expect(deleted.sort()).toEqual([files.tempOld, files.unknownOld].sort());
    expect((await readdir(root)).sort()).toEqual([files.knownOld, files.unknownNew, files.tempNew, files.other].sort());
  });

  it("sweeping a directory that does not exist deletes nothing", async () => {
    expect(await sweepOrphanReceipts(path.join(root, "missing"), new Set(), 0)).toEqual([]);
  });
});

describe("naming a receipt in a download header", () => {
  const grammar = /^attachment; filename="[\x20-\x21\x23-\x5b\x5d-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/;

  it("a plain name is passed through unchanged", () => {
    expect(contentDisposition("invoice.pdf")).toBe(`attachment; filename="invoice.pdf"; filename*=UTF-8''invoice.pdf`);
  });

  it("quotes and CRLF in a name cannot inject a header", () => {
    const header = contentDisposition('evil".pdf\r\nSet-Cookie: session=stolen');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(grammar);
    expect(header).toBe(`attachment; filename="evil_.pdf__Set-Cookie: session=stolen"; filename*=UTF-8''evil%22.pdf__Set-Cookie%3A%20session%3Dstolen`);
    // What would be sent must also be a valid Headers value.
    expect(new Headers({ "Content-Disposition": header }).get("Content-Disposition")).toBe(header);
  });

  it("a non-ASCII name keeps its exact spelling in filename* and an ASCII fallback", () => {
    const header = contentDisposition("reçu d'été (2).pdf");
    expect(header).toMatch(grammar);
    expect(header).toBe(`attachment; filename="re_u d'_t_ (2).pdf"; filename*=UTF-8''re%C3%A7u%20d%27%C3%A9t%C3%A9%20%282%29.pdf`);
    const encoded = header.split("filename*=UTF-8''")[1] ?? "";
    expect(decodeURIComponent(encoded)).toBe("reçu d'été (2).pdf");
  });

  it("backslashes and percent signs are kept out of the fallback", () => {
    expect(contentDisposition("100%\\ok.pdf")).toBe(`attachment; filename="100__ok.pdf"; filename*=UTF-8''100%25%5Cok.pdf`);
  });
});
