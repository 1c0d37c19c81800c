// Minimal real files for receipt tests.
export function pdfBytes(text = "receipt"): Uint8Array {
  return new TextEncoder().encode(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

export function pngBytes(): Uint8Array {
  return Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0,
    0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
  ]);
}

export function file(bytes: Uint8Array, name: string, type: string): File {
  return new File([bytes.slice()], name, { type }); // slice(): a copy on a plain ArrayBuffer, as File wants
}

// Real images made by sharp, and polyglots built from them byte by byte.
const sharpImage = async () => (await import("sharp")).default;

/** A small genuine PNG (a red square). */
export async function realPng(size = 16): Promise<Uint8Array> {
  const sharp = await sharpImage();
  return new Uint8Array(
    await sharp({ create: { width: size, height: size, channels: 3, background: "#c00" } })
      .png()
      .toBuffer(),
  );
}

/** A small genuine JPEG; with `gps`, an EXIF block that says where it was taken. */
export async function realJpeg({ gps = false } = {}): Promise<Uint8Array> {
  const sharp = await sharpImage();
  let image = sharp({ create: { width: 32, height: 24, channels: 3, background: "#0a0" } }).jpeg();
  if (gps)
    image = image.withExif({
      IFD0: { Make: "PhoneCo" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2952/100", GPSLongitudeRef: "E", GPSLongitude: "2/1 17/1 4020/100" },
    });
  return new Uint8Array(await image.toBuffer());
}

/** The PNG with a tEXt chunk right after IHDR (the signature is 8 bytes, IHDR 25). */
export async function pngWithTextChunk(text: string): Promise<Uint8Array> {
  const { crc32 } = await import("node:zlib");
  const png = Buffer.from(await realPng());
  const typeAndData = Buffer.concat([Buffer.from("tEXt"), Buffer.from(`Comment\0${text}`, "latin1")]);
  const chunk = Buffer.alloc(typeAndData.length + 8);
  chunk.writeUInt32BE(typeAndData.length - 4, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData), chunk.length - 4);
  return new Uint8Array(Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]));
}

/** The JPEG with a COM (comment) segment right after its start-of-image marker. */
export async function jpegWithComment(text: string): Promise<Uint8Array> {
  const jpeg = Buffer.from(await realJpeg());
  const body = Buffer.from(text, "latin1");
  const segment = Buffer.alloc(body.length + 4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(body.length + 2, 2);
  body.copy(segment, 4);
  return new Uint8Array(Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]));
}

/** A PDF whose HTML sits after its first KiB, where a check of the head alone would miss it. */
export function pdfWithLateHtml(): Uint8Array {
  return new TextEncoder().encode(`%PDF-1.4\n${"% padding\n".repeat(200)}<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n`);
}
