import type { NextFunction, Request, Response } from "express";

/**
 * A per-node microcache of whole HTML pages for visitors (no session cookie). Everything a
 * visitor can see is public, and the same for every visitor, so one render can serve everyone for
 * a second; signed-in people are never served from it. Staleness is bounded by the TTL (a post a
 * moderator removes stays visible to visitors for at most that long), see
 * docs/decisions/0004-visitor-page-microcache.md.
 *
 * Each page carries a CSP nonce; a cached body gets the current request's nonce swapped in (the old
 * one is 128 random bits, so it appears nowhere else).
 *
 * The cache sits behind compression and keeps the page as Remix wrote it (uncompressed): a hit is
 * compressed again for the request's own Accept-Encoding, so the Content-Encoding of the first
 * visitor is never replayed. Headers set per request by earlier middleware (HSTS for HTTPS) are not
 * kept either, and the key holds the protocol and host, so an HTTPS page never answers plain HTTP.
 */
interface Entry {
  /** The page split at its old nonce, so a hit only joins (no search, no ETag hashing). */
  parts: string[];
  headers: [string, string][];
  expires: number;
}

const MAX_ENTRIES = 500;
const SKIP_HEADERS = new Set([
  "content-length",
  "content-encoding",
  "content-security-policy",
  "strict-transport-security",
  "set-cookie",
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
]);

export function visitorPageCache(options: { ttlMs: number; isVisitor: (req: Request, res: Response) => boolean }) {
  const entries = new Map<string, Entry>();

  return function visitorPageCacheMiddleware(req: Request, res: Response, next: NextFunction) {
    if (options.ttlMs <= 0 || req.method !== "GET" || "_data" in req.query || !options.isVisitor(req, res)) return next();
    const key = `${req.protocol}://${req.get("host") ?? ""}${req.originalUrl}`;
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.expires > now) {
      for (const [name, value] of hit.headers) res.setHeader(name, value);
      res.setHeader("X-Hearth-Cache", "hit");
      res.statusCode = 200;
      res.end(hit.parts.join(res.locals.cspNonce));
      return;
    }
    if (hit) entries.delete(key);

    // Capture what Remix writes; cache it only if it is a plain 200 HTML page with no cookie.
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === "function") return;
      if (typeof chunk === "string") chunks.push(Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as Response["write"];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      const type = String(res.getHeader("content-type") ?? "");
      if (res.statusCode === 200 && !res.getHeader("set-cookie") && type.startsWith("text/html")) {
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
        const headers: [string, string][] = [];
        for (const [name, value] of Object.entries(res.getHeaders())) {
          if (!SKIP_HEADERS.has(name) && value !== undefined) headers.push([name, Array.isArray(value) ? value.join(", ") : String(value)]);
        }
        const parts = Buffer.concat(chunks).toString("utf8").split(res.locals.cspNonce);
        entries.set(key, { parts, headers, expires: Date.now() + options.ttlMs });
      }
      return end(chunk, ...rest);
    }) as Response["end"];
    next();
  };
}
