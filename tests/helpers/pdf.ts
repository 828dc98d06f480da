import { deflateSync } from "node:zlib";

/**
 * A tiny PDF writer for tests: one text line (or several) per page in Helvetica, with a correct
 * xref table, so pdf.js reads it like any real file. `hostile` variants build the files an
 * extractor must survive.
 */

/** PDF string literal: backslash, parentheses escaped; Latin-1 only (tests use plain words). */
const literal = (s: string) => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;

interface RawObject {
  /** Everything between "n 0 obj" and "endobj", as bytes. */
  body: Buffer;
}

function assemble(objects: RawObject[], rootId = 1): Buffer {
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), o.body, Buffer.from("\nendobj\n")]);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, "0000000000 65535 f \n", ...offsets.map((n) => `${String(n).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${rootId} 0 R >>\nstartxref\n${offset}\n%%EOF\n`));
  return Buffer.concat(parts);
}

const dict = (s: string): RawObject => ({ body: Buffer.from(s) });
const stream = (extra: string, data: Buffer): RawObject => ({
  body: Buffer.concat([Buffer.from(`<< /Length ${data.length}${extra} >>\nstream\n`), data, Buffer.from("\nendstream")]),
});

/** Page i's content stream: each line of its text one below the other. */
function pageContent(text: string): Buffer {
  const lines = text.split("\n");
  const ops = lines.map((l, i) => `${i === 0 ? "72 720 Td" : "0 -16 Td"} ${literal(l)} Tj`).join("\n");
  return Buffer.from(`BT /F1 12 Tf\n${ops}\nET`, "latin1");
}

/** A valid PDF with one page per entry of `pages` (its text drawn on the page). */
export function pdfWithPages(pages: string[]): Buffer {
  // 1 catalog, 2 pages tree, 3 font, then page/content pairs.
  const kids = pages.map((_, i) => `${4 + i * 2} 0 R`).join(" ");
  const objects: RawObject[] = [
    dict("<< /Type /Catalog /Pages 2 0 R >>"),
    dict(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`),
    dict("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
  ];
  pages.forEach((text, i) => {
    objects.push(dict(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`));
    objects.push(stream("", pageContent(text)));
  });
  return assemble(objects);
}

/** Hostile files: each must end as "failed" (or bounded), never crash or stall the app. */
export const hostilePdf = {
  /** A valid file cut in half (no xref, no trailer, a stream without its end). */
  truncated(): Buffer {
    const whole = pdfWithPages(["First page text", "Second page text"]);
    return whole.subarray(0, Math.floor(whole.length / 2));
  },
  /** Random bytes behind a PDF header (the upload's magic-byte check passes). */
  randomBytes(size = 20_000): Buffer {
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
    return Buffer.concat([Buffer.from("%PDF-1.7\n"), bytes]);
  },
  /**
   * One page whose content stream inflates to `inflatedMb` MB (about 1000:1): text operators
   * repeated, so the extractor would build an enormous string if it did not stop.
   */
  deflateBomb(inflatedMb = 400): Buffer {
    const unit = Buffer.from("BT /F1 12 Tf 72 720 Td (bomb bomb bomb bomb bomb bomb bomb bomb) Tj ET\n".repeat(14_000));
    const copies = Math.ceil((inflatedMb * 1024 * 1024) / unit.length);
    const data = deflateSync(Buffer.concat(Array.from({ length: copies }, () => unit)), { level: 9 });
    const objects: RawObject[] = [
      dict("<< /Type /Catalog /Pages 2 0 R >>"),
      dict("<< /Type /Pages /Kids [4 0 R] /Count 1 >>"),
      dict("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
      dict("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"),
      stream(" /Filter /FlateDecode", data),
    ];
    return assemble(objects);
  },
  /** A page tree that names the same page `count` times (a "100 000 pages" file of a few hundred KB). */
  hugePageCount(count = 100_000): Buffer {
    const objects: RawObject[] = [
      dict("<< /Type /Catalog /Pages 2 0 R >>"),
      dict(`<< /Type /Pages /Kids [${"4 0 R ".repeat(count)}] /Count ${count} >>`),
      dict("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
      dict("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"),
      stream("", pageContent("Every page says the same")),
    ];
    return assemble(objects);
  },
};
