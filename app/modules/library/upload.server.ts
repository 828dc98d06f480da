import fs from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import busboy from "busboy";
import { readForm } from "#app/lib/http.server";
import { Invalid, TooLarge, type DomainError } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { cleanFormData } from "#app/lib/text-input";
import { UPLOAD_MAX_BYTES, uploadMessages } from "./library.schema";
import type { FileStorage } from "./storage.server";

/**
 * Streaming multipart parsing for document uploads (readUploadForm), the checks on what was sent
 * (type by magic numbers, no HTML inside) and the safe download name and Content-Disposition.
 */

export type DocumentMime = "application/pdf" | "image/png" | "image/jpeg";
export const extensionOf: Record<DocumentMime, string> = { "application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg" };

/** What the first bytes say the file is; null for anything that is not a PDF, PNG or JPEG. */
export function sniffDocumentType(head: Uint8Array): DocumentMime | null {
  const starts = (bytes: number[]) => bytes.length <= head.length && bytes.every((b, i) => head[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf"; // %PDF-
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  return null;
}

/**
 * A display name for a download: the last path segment only, no control or reserved characters,
 * at most 100 characters, with the extension of the detected type. Never used as a path.
 */
export function cleanFileName(raw: string | undefined, mime: DocumentMime): string {
  return cleanFileNameWith(raw, extensionOf[mime]);
}

function cleanFileNameWith(raw: string | undefined, extension: string): string {
  const base = (raw ?? "").split(/[/\\]/).pop() ?? "";
  let name = base
    .normalize("NFKC")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f"*:<>?|\\/]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, "");
  name = name.replace(/\.[A-Za-z0-9]{1,5}$/, "");
  name = [...name].slice(0, 100).join("").trim() || "document";
  return `${name}.${extension}`;
}

/** Content-Disposition with an ASCII fallback and the exact name as RFC 5987 filename*. */
export function contentDisposition(type: "attachment" | "inline", fileName: string): string {
  const ascii = fileName.normalize("NFKD").replace(/[^\x20-\x7e]/g, "_").replace(/["\\;%]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export type UploadOutcome<M extends string = DocumentMime> =
  | { ok: true; tempPath: string; size: number; mime: M; fileName: string }
  | { ok: false; status: 400 | 413; message: string };

/** What a form accepts: the type its first bytes say (null: refused with `messages.wrongType`) and the extension for it. */
export interface UploadKind<M extends string> {
  sniff: (head: Uint8Array) => M | null;
  extension: (mime: M) => string;
  messages: typeof uploadMessages;
}
const documentKind: UploadKind<DocumentMime> = { sniff: sniffDocumentType, extension: (mime) => extensionOf[mime], messages: uploadMessages };

export { uploadMessages };

/** How much of the start of a file is searched for HTML (a polyglot puts it in the first KBs). */
const POLYGLOT_WINDOW = 64 * 1024;
/**
 * Tags that make bytes a web page: the WHATWG sniffing patterns for HTML plus the other elements that
 * run script or load content. Each must be followed by a space, ">" or "/" so PDF syntax (hex strings
 * like <48656c6c6f>, dictionaries <<) never matches.
 */
const HTML_MARKER = /<(?:!doctype\s+html|html|head|body|script|iframe|frame|frameset|object|embed|svg|math|meta|base|link|style|title|form|img|a\s+href|!--)(?=[\s>/])/i;

/**
 * Whether a file's first bytes contain HTML: a "polyglot" that is a valid PDF (or image) and a web
 * page at once. It is served inert (nosniff, sandbox CSP), but a browser or viewer that ignores the
 * type would run it, so it is refused. UTF-16 text is caught too: NUL bytes are dropped before matching.
 */
export function looksLikeHtml(head: Uint8Array): boolean {
  const text = Buffer.from(head.subarray(0, POLYGLOT_WINDOW)).toString("latin1").replace(/\0/g, "");
  return HTML_MARKER.test(text);
}

const TEXT_FIELD_MAX = 256 * 1024;
const TEXT_TOTAL_MAX = 1024 * 1024;
/** Far more parts than any of our forms has: a body of thousands of tiny parts is refused. */
const PARTS_MAX = 100;

/**
 * Drops control characters from the header block of every part, leaving part bodies untouched.
 * Browsers escape only CR, LF and '"' in a file name (HTML's multipart encoding), so a name with any
 * other control byte (possible on Linux) arrives raw, and the header parser would rightly call the
 * part header malformed and lose the whole form. Without them the name is still the name.
 */
function partHeaderCleaner(boundary: string): Transform {
  const first = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  const headerEnd = Buffer.from("\r\n\r\n");
  let inHeader = false;
  let delimiter = first;
  let carry = Buffer.alloc(0);
  // eslint-disable-next-line no-control-regex
  const clean = (b: Buffer) => Buffer.from(b.toString("latin1").replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, ""), "latin1");
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const out: Buffer[] = [];
      for (;;) {
        const needle = inHeader ? headerEnd : delimiter;
        const at = data.indexOf(needle);
        if (at === -1) {
          // Keep a possible partial match for the next chunk.
          const keep = Math.min(data.length, needle.length - 1);
          const ready = data.subarray(0, data.length - keep);
          out.push(inHeader ? clean(ready) : ready);
          carry = Buffer.from(data.subarray(data.length - keep));
          break;
        }
        const through = data.subarray(0, at + needle.length);
        out.push(inHeader ? clean(through) : through);
        data = data.subarray(at + needle.length);
        inHeader = !inHeader;
        delimiter = next;
      }
      done(null, Buffer.concat(out));
    },
    flush(done) {
      done(null, inHeader ? clean(carry) : carry);
    },
  });
}

// Domain errors like every other refusal: the route maps them (app/lib/http.server.ts).
const unreadable = () => Invalid("The form could not be read. Please reload the page and try again.");
const tooLargeToSend = () => TooLarge("That was too large to send. Please shorten it and try again.");

/**
 * Reads a form that may carry one file in `field`, streaming: busboy parses the multipart body
 * (header parameters as RFC 7578 quoted strings, so a file named `dose;v2.png` or `a=b.pdf` is just a
 * name) and the file part is written to a temp file under the storage's temp directory while it
 * streams in. Past `maxBytes` nothing more is written (the partial file is deleted) and the rest of
 * the part is read and dropped, so the typed fields after it still arrive and the form comes back
 * with the size error and everything typed. The type comes from the first bytes (magic numbers, and
 * no HTML inside), never from the file name or the browser's Content-Type; the name is kept only as
 * a sanitized download name. Plain urlencoded forms go through readForm. The caller owns the temp
 * file of a successful upload: move it into storage or call discardUpload. Malformed bodies answer
 * 400, non-form bodies 415, oversize text fields 413.
 */
export async function readUploadForm<M extends string = DocumentMime>(
  request: Request,
  storage: FileStorage,
  opts: { field?: string; maxBytes?: number; kind?: UploadKind<M> } = {},
): Promise<{ formData: FormData; upload: UploadOutcome<M> | null }> {
  const field = opts.field ?? "file";
  // Library documents unless the caller accepts another kind (chat's voice notes).
  const kind = opts.kind ?? (documentKind as unknown as UploadKind<M>);
  const messages = kind.messages;
  const maxBytes = opts.maxBytes ?? UPLOAD_MAX_BYTES;
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) return { formData: await readForm(request), upload: null };
  if (!request.body) throw unreadable();

  const boundary = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(type);
  if (!boundary) throw unreadable();
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": type },
      // Browsers send file names as UTF-8 (busboy's default is latin1).
      defParamCharset: "utf8",
      // busboy marks a value truncated when it reaches its limit, so one more byte: exactly the limit is fine.
      limits: { fieldNameSize: 200, fieldSize: TEXT_FIELD_MAX + 1, fields: PARTS_MAX, files: PARTS_MAX, parts: PARTS_MAX, fileSize: maxBytes + 1, headerPairs: 20 },
    });
  } catch {
    throw unreadable(); // no or malformed boundary
  }

  const tmp = await storage.tempDir();
  const created: string[] = [];
  const fields: [string, string][] = [];
  let textTotal = 0;
  let problem: DomainError | null = null;
  let upload: UploadOutcome<M> | null = null;
  let fileDone: Promise<void> = Promise.resolve();
  let fileError: unknown = null;
  let seenFile = false;

  const fail = (error: DomainError) => {
    problem ??= error;
  };

  parser.on("field", (name, value, info) => {
    textTotal += Buffer.byteLength(value);
    if (info.valueTruncated || info.nameTruncated || textTotal > TEXT_TOTAL_MAX) fail(tooLargeToSend());
    else fields.push([name, value]);
  });
  for (const limit of ["partsLimit", "filesLimit", "fieldsLimit"] as const) parser.on(limit, () => fail(tooLargeToSend()));

  parser.on("file", (name, stream, info) => {
    if (name !== field || seenFile) {
      stream.resume(); // a second file, or a file in another field: read past it, keep nothing
      return;
    }
    seenFile = true;
    // Never a rejected promise left waiting for the parse to end (an unhandled rejection ends the process).
    fileDone = receiveFile(stream, info.filename).then(
      (outcome) => {
        upload = outcome;
      },
      (e: unknown) => {
        fileError = e;
        stream.resume(); // keep the parser going to the end of the body
      },
    );
  });

  async function receiveFile(stream: NodeJS.ReadableStream & { truncated?: boolean }, filename: string | undefined): Promise<UploadOutcome<M> | null> {
    const tempPath = path.join(tmp, `${newId(18)}.part`);
    created.push(tempPath);
    const file = await fs.open(tempPath, "wx", 0o600);
    let size = 0;
    const head: Buffer[] = [];
    let headBytes = 0;
    try {
      // busboy stops the stream at maxBytes (marking it truncated) and drops the rest of the part.
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.byteLength;
        if (headBytes < POLYGLOT_WINDOW) {
          head.push(chunk.subarray(0, POLYGLOT_WINDOW - headBytes));
          headBytes += Math.min(chunk.byteLength, POLYGLOT_WINDOW - headBytes);
        }
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
    const refuse = async (status: 400 | 413, message: string) => {
      await fs.rm(tempPath, { force: true });
      return { ok: false, status, message } as const;
    };
    if (stream.truncated) return refuse(413, messages.tooLarge);
    if (size === 0) {
      await fs.rm(tempPath, { force: true });
      // An empty file input: the browser sends a part with no name and no bytes.
      return filename ? { ok: false, status: 400, message: messages.empty } : null;
    }
    const start = Buffer.concat(head);
    const mime = kind.sniff(start);
    if (!mime) return refuse(400, messages.wrongType);
    if (looksLikeHtml(start)) return refuse(400, messages.polyglot);
    return { ok: true, tempPath, size, mime, fileName: cleanFileNameWith(filename, kind.extension(mime)) };
  }

  try {
    await new Promise<void>((resolve, reject) => {
      parser.once("close", resolve);
      parser.once("error", reject);
      const body = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
      const cleaner = partHeaderCleaner(boundary[1] ?? boundary[2]!);
      body.once("error", reject);
      cleaner.once("error", reject);
      body.pipe(cleaner).pipe(parser);
    });
    await fileDone;
  } catch {
    await fileDone;
    await Promise.all(created.map((p) => fs.rm(p, { force: true })));
    throw unreadable(); // malformed or cut-off body
  }
  const failed = problem as DomainError | null;
  if (failed || fileError) {
    await Promise.all(created.map((p) => fs.rm(p, { force: true })));
    throw failed ?? fileError; // a storage failure is the server's (500), not the form's
  }
  const formData = new FormData();
  for (const [name, value] of fields) formData.append(name, value);
  return { formData: cleanFormData(formData), upload };
}

/** Deletes a temp upload that was not moved into storage (safe to call after it was). */
export async function discardUpload(upload: UploadOutcome<string> | null): Promise<void> {
  if (upload?.ok) await fs.rm(upload.tempPath, { force: true });
}
