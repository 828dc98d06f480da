import fs from "node:fs/promises";
import path from "node:path";
import { json, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { readForm } from "#app/lib/http.server";
import { newId } from "#app/lib/ids.server";
import { cleanFormData } from "#app/lib/text-input";
import { UPLOAD_MAX_BYTES } from "./library.schema";
import type { FileStorage } from "./storage.server";

/**
 * Streaming multipart parsing for document uploads. The file part is written to a temp file under the
 * storage's temp directory while it streams in, counting bytes: past the limit the partial file is
 * closed and deleted at once and the rest of the part is discarded (bounded), so the other typed
 * fields still reach the form. The type comes from the first bytes (magic numbers), never from the
 * file name or the browser's Content-Type; the name is kept only as a sanitized download name.
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
  return `${name}.${extensionOf[mime]}`;
}

/** Content-Disposition with an ASCII fallback and the exact name as RFC 5987 filename*. */
export function contentDisposition(type: "attachment" | "inline", fileName: string): string {
  const ascii = fileName.normalize("NFKD").replace(/[^\x20-\x7e]/g, "_").replace(/["\\;%]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export type UploadOutcome =
  | { ok: true; tempPath: string; size: number; mime: DocumentMime; fileName: string }
  | { ok: false; status: 400 | 413; message: string };

export const uploadMessages = {
  tooLarge: `That file is larger than ${UPLOAD_MAX_BYTES / 1024 / 1024} MB. Please choose a smaller file (or split it).`,
  empty: "That file is empty. Please choose the document again.",
  wrongType: "Only PDF, PNG or JPEG files can be uploaded, and that file is not one of them (whatever its name says).",
};

const TEXT_FIELD_MAX = 256 * 1024;
const TEXT_TOTAL_MAX = 1024 * 1024;
/** After the limit is hit, how much more of the file part is read and discarded before giving up. */
const DISCARD_MAX = 1024 * 1024;

/**
 * Reads a form that may carry one file in `field`. Plain urlencoded forms (no file) go through
 * readForm. The caller owns the temp file of a successful upload: move it into storage or call
 * discardUpload. Malformed bodies answer 400, non-form bodies 415, oversize text fields 413.
 */
export async function readUploadForm(
  request: Request,
  storage: FileStorage,
  opts: { field?: string; maxBytes?: number } = {},
): Promise<{ formData: FormData; upload: UploadOutcome | null }> {
  const field = opts.field ?? "file";
  const maxBytes = opts.maxBytes ?? UPLOAD_MAX_BYTES;
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) return { formData: await readForm(request), upload: null };

  const tmp = await storage.tempDir();
  const created: string[] = [];
  let upload: UploadOutcome | null = null;
  let textTotal = 0;

  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (filename === undefined) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of data) {
        size += chunk.byteLength;
        textTotal += chunk.byteLength;
        if (size > TEXT_FIELD_MAX || textTotal > TEXT_TOTAL_MAX) {
          throw json({ message: "That was too large to send. Please shorten it and try again." }, { status: 413 });
        }
        chunks.push(chunk);
      }
      return Buffer.concat(chunks).toString("utf8");
    }
    if (name !== field || upload !== null) {
      // A second file, or a file in another field: read past it, keep nothing.
      let skipped = 0;
      for await (const chunk of data) {
        skipped += chunk.byteLength;
        if (skipped > maxBytes + DISCARD_MAX) throw json({ message: "That was too large to send." }, { status: 413 });
      }
      return undefined;
    }
    // An empty file input: the browser sends a part with no name and no bytes.
    const tempPath = path.join(tmp, `${newId(18)}.part`);
    created.push(tempPath);
    const file = await fs.open(tempPath, "wx", 0o600);
    let open = true;
    let size = 0;
    let discarded = 0;
    let head = Buffer.alloc(0);
    try {
      for await (const chunk of data) {
        if (!open) {
          discarded += chunk.byteLength;
          if (discarded > DISCARD_MAX) break;
          continue;
        }
        size += chunk.byteLength;
        if (size > maxBytes) {
          open = false;
          await file.close();
          await fs.rm(tempPath, { force: true });
          continue;
        }
        if (head.length < 16) head = Buffer.concat([head, Buffer.from(chunk.subarray(0, 16 - head.length))]);
        await file.write(chunk);
      }
    } finally {
      if (open) await file.close();
    }
    if (!open) {
      upload = { ok: false, status: 413, message: uploadMessages.tooLarge };
      if (discarded > DISCARD_MAX) throw json({ message: uploadMessages.tooLarge }, { status: 413 });
      return undefined;
    }
    if (size === 0) {
      await fs.rm(tempPath, { force: true });
      upload = filename === "" ? null : { ok: false, status: 400, message: uploadMessages.empty };
      return undefined;
    }
    const mime = sniffDocumentType(head);
    if (!mime) {
      await fs.rm(tempPath, { force: true });
      upload = { ok: false, status: 400, message: uploadMessages.wrongType };
      return undefined;
    }
    upload = { ok: true, tempPath, size, mime, fileName: cleanFileName(filename, mime) };
    return undefined;
  };

  try {
    const formData = cleanFormData(await unstable_parseMultipartFormData(request, handler));
    return { formData, upload };
  } catch (e) {
    await Promise.all(created.map((p) => fs.rm(p, { force: true })));
    if (e instanceof Response) throw e;
    throw json({ message: "The form could not be read. Please reload the page and try again." }, { status: 400 });
  }
}

/** Deletes a temp upload that was not moved into storage (safe to call after it was). */
export async function discardUpload(upload: UploadOutcome | null): Promise<void> {
  if (upload?.ok) await fs.rm(upload.tempPath, { force: true });
}
