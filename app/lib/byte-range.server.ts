/**
 * Serving stored files with Range support (browsers seek audio and video with Range requests): the
 * one place that turns a stored file and a Range header into a 200, a 206 with Content-Range, or a
 * 416, so routes never write statuses by hand.
 */

/** A byte range of a file of `size` bytes: all of it, one satisfiable range, or none (416). */
export type ByteRange = { kind: "all" } | { kind: "part"; start: number; end: number } | { kind: "unsatisfiable" };

/**
 * One RFC 9110 range (`bytes=a-b`, `bytes=a-`, `bytes=-n`). Another unit, or several ranges, get the
 * whole file (allowed: a server may ignore Range); a malformed or unsatisfiable bytes range gets 416.
 */
export function parseByteRange(header: string | null, size: number): ByteRange {
  const value = header?.trim();
  if (!value || !value.startsWith("bytes=") || value.includes(",")) return { kind: "all" };
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(value);
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "unsatisfiable" };
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "part", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return { kind: "unsatisfiable" };
  return { kind: "part", start, end };
}

/**
 * The response for a stored file: `stream` holds the range's bytes (null for an unsatisfiable one),
 * `size` the whole file's. `headers` are the caller's (type, caching, nosniff…).
 */
export function storedFileResponse(file: { stream: ReadableStream<Uint8Array> | null; size: number; range: ByteRange }, headers: Record<string, string>): Response {
  const common = { ...headers, "Accept-Ranges": "bytes" };
  const { range, size } = file;
  if (range.kind === "unsatisfiable" || !file.stream) {
    return new Response(null, { status: 416, headers: { ...common, "Content-Range": `bytes */${size}` } });
  }
  if (range.kind === "part") {
    return new Response(file.stream, {
      status: 206,
      headers: { ...common, "Content-Range": `bytes ${range.start}-${range.end}/${size}`, "Content-Length": String(range.end - range.start + 1) },
    });
  }
  return new Response(file.stream, { status: 200, headers: { ...common, "Content-Length": String(size) } });
}
