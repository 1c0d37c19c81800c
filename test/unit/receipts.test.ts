import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  contentDisposition,
  couldBeReceipt,
  reencodeImageReceipt,
  removeReceiptFile,
  sanitizeFilename,
  sniffReceipt,
  sniffReceiptFile,
  storeReceiptFile,
  storeReceiptTempFile,
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

// A fresh directory for each test's files.
let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "receipts-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

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

const KIB = 1024;
const MIB = 1024 * KIB;
const PDF_TYPE = { mime: "application/pdf", ext: "pdf" } as const;
const PNG_TYPE = { mime: "image/png", ext: "png" } as const;
const JPEG_TYPE = { mime: "image/jpeg", ext: "jpg" } as const;

/** A PDF of exactly `size` bytes: header, filler, then `%%EOF` followed by `after` bytes of filler. */
function pdfOfSize(size: number, after = 0): Uint8Array {
  const start = "%PDF-1.4\n";
  const end = "%%EOF";
  return text(start + "0".repeat(size - start.length - end.length - after) + end + "0".repeat(after));
}

/** A JPEG of `size` bytes whose end-of-image marker is followed by `after` bytes. */
function jpegOfSize(size: number, after = 0): Uint8Array {
  const body = jpeg.subarray(0, jpeg.length - 2);
  return concat(body, new Uint8Array(size - body.length - 2 - after), new Uint8Array([0xff, 0xd9]), new Uint8Array(after));
}

describe("the limits on what a receipt file is", () => {
  it("a receipt of exactly 10 MiB is accepted, and one byte more is refused as larger than 10 MB", () => {
    expect(sniffReceipt(pdfOfSize(10 * MIB), "big.pdf", "application/pdf")).toEqual({ ok: true, type: PDF_TYPE });
    expect(refusal(sniffReceipt(pdfOfSize(10 * MIB + 1), "big.pdf", "application/pdf"))).toBe('"big.pdf" is larger than 10 MB.');
  });

  it("a PDF longer than a KiB is accepted when its %%EOF is in its last KiB, in memory and on disk", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "receipts-"));
    try {
      for (const [label, bytes, ok] of [
        ["ends with %%EOF", pdfOfSize(5000), true],
        ["%%EOF 1019 bytes before the end", pdfOfSize(5000, KIB - 5), true],
        ["%%EOF 1020 bytes before the end", pdfOfSize(5000, KIB - 4), false],
        ["%%EOF 2 KiB before the end", pdfOfSize(5000, 2 * KIB), false],
      ] as const) {
        const expected = ok ? { ok: true, type: PDF_TYPE } : { ok: false, reason: '"long.pdf" is not a PDF, PNG or JPEG file.' };
        expect(sniffReceipt(bytes, "long.pdf", ""), label).toEqual(expected);
        await writeFile(path.join(dir, "long.pdf"), bytes);
        expect(await sniffReceiptFile(path.join(dir, "long.pdf"), "long.pdf", ""), `${label}, on disk`).toEqual(expected);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a JPEG longer than a KiB is accepted when its end-of-image marker is in its last KiB", () => {
    expect(sniffReceipt(jpegOfSize(4000), "photo.jpg", "image/jpeg")).toEqual({ ok: true, type: JPEG_TYPE });
    expect(sniffReceipt(jpegOfSize(4000, KIB - 2), "photo.jpg", "image/jpeg")).toEqual({ ok: true, type: JPEG_TYPE });
    expect(refusal(sniffReceipt(jpegOfSize(4000, KIB - 1), "photo.jpg", "image/jpeg"))).toBe('"photo.jpg" is not a PDF, PNG or JPEG file.');
  });

  it("a file that begins FF D8 but not FF D8 FF is refused, even when it ends like a JPEG", () => {
    const bytes = concat(new Uint8Array([0xff, 0xd8, 0x00]), jpeg.subarray(3));
    expect(refusal(sniffReceipt(bytes, "photo.jpg", "image/jpeg"))).toBe('"photo.jpg" is not a PDF, PNG or JPEG file.');
  });

  it("an image whose bytes happen to hold HTML is accepted: only PDFs are searched, images are re-encoded", async () => {
    const withComment = concat(jpeg.subarray(0, 2), new Uint8Array([0xff, 0xfe, 0, 20]), text("<script>x</script"), jpeg.subarray(2));
    expect(sniffReceipt(withComment, "photo.jpg", "image/jpeg")).toEqual({ ok: true, type: JPEG_TYPE });
    await writeFile(path.join(root, "photo.jpg"), withComment);
    expect(await sniffReceiptFile(path.join(root, "photo.jpg"), "photo.jpg", "image/jpeg")).toEqual({ ok: true, type: JPEG_TYPE });
    // refused for its name, not for the HTML-like bytes
    expect(await sniffReceiptFile(path.join(root, "photo.jpg"), "photo.pdf", "")).toEqual({
      ok: false,
      reason: '"photo.pdf" is a JPEG file, so its name must end in .jpg.',
    });
  });

  it("a file called just .pdf is refused: it has a name but no extension", () => {
    expect(refusal(sniffReceipt(pdf, ".pdf", ""))).toBe('".pdf" is a PDF file, so its name must end in .pdf.');
  });

  it.each([
    ["invoice.pdf", "application/x-pdf", pdf],
    ["photo.png", "image/x-png", png],
    ["photo.jpg", "image/pjpeg", jpeg],
    ["photo.png", " image/png ; charset=binary", png],
  ])("%s declared as %j is accepted", (name, declared, bytes) => {
    expect(sniffReceipt(bytes, name, declared).ok).toBe(true);
  });

  it("a very long declared type is cut to 80 characters in the message", () => {
    const declared = `text/${"x".repeat(200)}`;
    expect(refusal(sniffReceipt(pdf, "invoice.pdf", declared))).toBe(`"invoice.pdf" was sent as ${declared.slice(0, 80)} but is a PDF file.`);
  });

  it("the first bytes of an upload decide early whether it could be a receipt at all", () => {
    for (const start of [pdf, png, jpeg]) {
      expect(couldBeReceipt(start.subarray(0, 8))).toBe(true);
      expect(couldBeReceipt(start.subarray(0, 3))).toBe(true); // a first chunk may be short
    }
    expect(couldBeReceipt(text("%PD"))).toBe(true);
    for (const other of ["PK\x03\x04", "<!doctype html>", "GIF89a", "%PDX-1.4", "\xff\xd8\x00"]) {
      expect(couldBeReceipt(text(other)), JSON.stringify(other)).toBe(false);
    }
  });
});

describe("keeping the uploader's file name: the edges", () => {
  it("a name of exactly 100 characters is kept as it is", () => {
    const name = `${"a".repeat(95)} .pdf`;
    expect(sanitizeFilename(name)).toBe(name);
  });

  it("a long name without an extension is cut to its first 100 characters, with no space left at the end", () => {
    expect(sanitizeFilename(`${"x".repeat(149)}z`)).toBe("x".repeat(100));
    expect(sanitizeFilename(`${"x".repeat(99)} ${"y".repeat(50)}`)).toBe("x".repeat(99));
  });

  it("when a long name is cut, no space is left before its extension", () => {
    expect(sanitizeFilename(`${"x".repeat(95)} ${"y".repeat(10)}.pdf`)).toBe(`${"x".repeat(95)}.pdf`);
  });

  it("an extension of up to 16 characters (dot included) is kept; a longer one is cut like the rest", () => {
    const ext16 = `.${"e".repeat(15)}`;
    expect(sanitizeFilename(`${"a".repeat(120)}${ext16}`)).toBe(`${"a".repeat(84)}${ext16}`);
    const ext17 = `.${"e".repeat(16)}`;
    expect(sanitizeFilename(`${"a".repeat(120)}${ext17}`)).toBe("a".repeat(100));
  });

  it("a name that is only a dot becomes 'receipt'", () => {
    expect(sanitizeFilename(".")).toBe("receipt");
  });

  it("a broken UTF-16 character becomes the replacement character instead of vanishing", () => {
    expect(sanitizeFilename("a\ud800b.pdf")).toBe("a\ufffdb.pdf");
  });
});

describe("naming a receipt in a download header: the edges", () => {
  it("an empty name is sent as 'receipt'", () => {
    expect(contentDisposition("")).toBe(`attachment; filename="receipt"; filename*=UTF-8''receipt`);
  });

  it("a broken UTF-16 character is sent as the replacement character", () => {
    expect(contentDisposition("a\udc00.pdf")).toBe(`attachment; filename="a_.pdf"; filename*=UTF-8''a%EF%BF%BD.pdf`);
  });

  it("an asterisk is percent-encoded in filename*, in upper case like every other escape", () => {
    expect(contentDisposition("a*b.pdf")).toBe(`attachment; filename="a*b.pdf"; filename*=UTF-8''a%2Ab.pdf`);
  });
});

describe("receipt files on disk: failures and neighbours", () => {
  const openFiles = () => readdirSync("/proc/self/fd").length;

  it("checking and storing receipts leaves no file open", async () => {
    await writeFile(path.join(root, "in.pdf"), pdfOfSize(3000));
    const before = openFiles();
    for (let i = 0; i < 5; i++) {
      expect((await sniffReceiptFile(path.join(root, "in.pdf"), "in.pdf", "")).ok).toBe(true);
      await storeReceiptFile(root, pdf);
    }
    expect(openFiles()).toBeLessThanOrEqual(before);
  });

  it("storing a temp file that has gone fails with the file system's error and leaves nothing", async () => {
    await expect(storeReceiptTempFile(root, path.join(root, ".tmp-0011223344556677"))).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readdir(root)).toEqual([]);
  });

  it("removing a stored name that is a directory fails rather than pretending it worked", async () => {
    const name = "d".repeat(32);
    await mkdir(path.join(root, name));
    await expect(removeReceiptFile(root, name)).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|EPERM)$/) });
    expect(await readdir(root)).toEqual([name]);
  });

  it("sweeping a path that is a file fails rather than reporting nothing to delete", async () => {
    await writeFile(path.join(root, "file"), "x");
    await expect(sweepOrphanReceipts(path.join(root, "file"), new Set(), 0)).rejects.toMatchObject({ code: "ENOTDIR" });
  });

  it("the sweeper leaves directories alone, even ones named like old orphans", async () => {
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of ["e".repeat(32), ".tmp-0011223344556677"]) {
      await mkdir(path.join(root, name));
      await utimes(path.join(root, name), old, old);
    }
    expect(await sweepOrphanReceipts(root, new Set(), 60 * 60 * 1000)).toEqual([]);
    expect((await readdir(root)).sort()).toEqual([".tmp-0011223344556677", "e".repeat(32)]);
  });

  it("a file exactly as old as the grace period is kept; a millisecond older is swept", async () => {
    const now = Math.floor(Date.now() / 1000) * 1000;
    const hour = 60 * 60 * 1000;
    await writeFile(path.join(root, "a".repeat(32)), "x");
    await writeFile(path.join(root, "b".repeat(32)), "x");
    await utimes(path.join(root, "a".repeat(32)), new Date(now - hour), new Date(now - hour));
    await utimes(path.join(root, "b".repeat(32)), new Date(now - hour - 1), new Date(now - hour - 1));
    expect(await sweepOrphanReceipts(root, new Set(), hour, now)).toEqual(["b".repeat(32)]);
  });

  it("two sweeps at once (two processes starting) both succeed and delete each orphan once", async () => {
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    const names = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(32, "0"));
    for (const name of names) {
      await writeFile(path.join(root, name), "x");
      await utimes(path.join(root, name), old, old);
    }
    const [a, b] = await Promise.all([sweepOrphanReceipts(root, new Set(), 60 * 60 * 1000), sweepOrphanReceipts(root, new Set(), 60 * 60 * 1000)]);
    expect([...a, ...b].sort()).toEqual(names);
    expect(await readdir(root)).toEqual([]);
  });
});

// A PNG chunk: length, type, data, CRC.
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat(text(type), data);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return concat(length, typed, crc);
}

// A PNG whose header claims `width` x `height` at `depth` bits (colour type 0 grey, 2 RGB, 6 RGBA); its pixel data is junk.
function pngHeaderOnly(width: number, height: number, depth: number, colourType: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colourType;
  return concat(png.subarray(0, 8), pngChunk("IHDR", ihdr), pngChunk("IDAT", new Uint8Array([1, 2, 3])), pngChunk("IEND", new Uint8Array()));
}

describe("re-encoding image receipts", () => {
  async function reencode(bytes: Uint8Array, type: typeof PNG_TYPE | typeof JPEG_TYPE, name: string) {
    await writeFile(path.join(root, "in"), bytes);
    const result = await reencodeImageReceipt(path.join(root, "in"), path.join(root, "out"), type, name);
    return { result, out: path.join(root, "out") };
  }

  it("a JPEG photo keeps its pixels, turned upright, and loses its EXIF and anything after the image", async () => {
    const photo = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#c00" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Artist: "Jane Doe, 12 Home Street" } })
      .toBuffer();
    const { result, out } = await reencode(concat(photo, text("<script>hidden</script>")), JPEG_TYPE, "photo.jpg");
    expect(result).toEqual({ ok: true });
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.orientation]).toEqual(["jpeg", 20, 40, undefined, undefined]);
    const written = (await readFile(out)).toString("latin1");
    expect(written).not.toContain("Home Street");
    expect(written).not.toContain("<script>");
  });

  it("a PNG loses its text chunks and stays a PNG of the same size", async () => {
    const image = await sharp({ create: { width: 3, height: 2, channels: 4, background: "#0c0" } })
      .png()
      .toBuffer();
    const withText = concat(image.subarray(0, 33), pngChunk("tEXt", text("Comment\0<script>alert(1)</script>")), image.subarray(33));
    const { result, out } = await reencode(withText, PNG_TYPE, "chart.png");
    expect(result).toEqual({ ok: true });
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 3, 2]);
    expect((await readFile(out)).toString("latin1")).not.toContain("<script>");
  });

  it("a JPEG photo with a damaged data segment (a decoder only warns) is still accepted", async () => {
    const noise = Buffer.alloc(64 * 64 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const photo = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const cut = concat(photo.subarray(0, photo.length / 2), new Uint8Array([0xff, 0xd9]));
    const { result, out } = await reencode(cut, JPEG_TYPE, "photo.jpg");
    expect(result).toEqual({ ok: true });
    expect((await sharp(out).metadata()).width).toBe(64);
  });

  it("a PNG checked as a JPEG is refused as not a receipt", async () => {
    const image = await sharp({ create: { width: 2, height: 2, channels: 3, background: "#00c" } })
      .png()
      .toBuffer();
    const { result, out } = await reencode(image, JPEG_TYPE, "photo.jpg");
    expect(result).toEqual({ ok: false, reason: '"photo.jpg" is not a PDF, PNG or JPEG file.' });
    await expect(stat(out)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a file that does not decode is refused as damaged, and nothing is written", async () => {
    const { result, out } = await reencode(jpeg.subarray(0, 10), JPEG_TYPE, "photo.jpg");
    expect(result).toEqual({ ok: false, reason: '"photo.jpg" could not be read as a JPEG image; it may be damaged.' });
    await expect(stat(out)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("an image over 25 million pixels is refused with its size, before it is decoded", async () => {
    const { result } = await reencode(pngHeaderOnly(20_000, 20_000, 8, 2), PNG_TYPE, "scan.png");
    expect(result).toEqual({
      ok: false,
      reason: '"scan.png" is 20000 x 20000 pixels; images may have at most 25 million. Send a smaller image or a PDF.',
    });
  });

  it("an image of exactly 25 million pixels and 64 MiB decoded is let through to the decoder", async () => {
    // Both headers are at the limits, so the (junk) pixel data is what refuses them.
    for (const [width, height, colourType] of [
      [5000, 5000, 0], // 25,000,000 grey pixels
      [4096, 4096, 6], // RGBA, exactly 64 MiB decoded
    ]) {
      const { result } = await reencode(pngHeaderOnly(width!, height!, 8, colourType!), PNG_TYPE, "scan.png");
      expect(result, `${width} x ${height}`).toEqual({ ok: false, reason: '"scan.png" could not be read as a PNG image; it may be damaged.' });
    }
  });

  it("a 16-bit image that would decode to over 64 MiB is refused though its pixel count is fine", async () => {
    const { result } = await reencode(pngHeaderOnly(3000, 3000, 16, 6), PNG_TYPE, "scan.png");
    expect(result).toEqual({
      ok: false,
      reason: '"scan.png" (3000 x 3000 pixels, 4 channels) is too large to check: images may decode to at most 64 MiB. Send a smaller image or a PDF.',
    });
  });
});
