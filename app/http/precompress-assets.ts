// Run by `npm run build` after `remix build`: writes name.br and name.gz beside every script,
// stylesheet and source map in public/build, so the server never compresses them again.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const dir = path.resolve(process.argv[2] ?? "public/build");
let count = 0;
let before = 0;
let after = 0;
const walk = (d: string) => {
  for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
    const file = path.join(d, entry.name);
    if (entry.isDirectory()) walk(file);
    else if (/\.(js|css|map|json|svg)$/.test(entry.name)) {
      const bytes = fs.readFileSync(file);
      const br = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
      fs.writeFileSync(`${file}.br`, br);
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
      count++;
      before += bytes.length;
      after += br.length;
    }
  }
};
walk(dir);
console.log(
  `Precompressed ${count} assets in ${path.relative(process.cwd(), dir)}: ${(before / 1024).toFixed(0)} KiB → ${(after / 1024).toFixed(0)} KiB with brotli.`,
);
