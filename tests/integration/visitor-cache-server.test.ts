import http from "node:http";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groups, organizations } from "#db/schema/index";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  html: string;
}

/** A raw GET (no automatic decompression), decoded by hand per its Content-Encoding. */
function rawGet(base: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(base + path, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          try {
            const body = Buffer.concat(chunks);
            const encoding = res.headers["content-encoding"];
            const decoded =
              encoding === "br" ? zlib.brotliDecompressSync(body) : encoding === "gzip" ? zlib.gunzipSync(body) : encoding === "deflate" ? zlib.inflateSync(body) : body;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, html: decoded.toString("utf8") });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      })
      .on("error", reject);
  });
}

/**
 * #10/#32: the visitor page cache in the real server (production build, compression, cache on).
 * Every Accept-Encoding gets a body in the encoding its headers name, hit or miss, and an HTTPS
 * response (with HSTS) is never replayed to a plain-HTTP request.
 */
describe(`the visitor page cache in the real server on ${testDatabaseKind}`, () => {
  let s: AppServer;
  beforeAll(async () => {
    // A long TTL so the second request is a hit however slow the machine is; TRUST_PROXY lets a
    // test say "this came over HTTPS" the way a TLS-terminating proxy does.
    s = await startAppServer({ VISITOR_PAGE_CACHE_MS: "60000", TRUST_PROXY: "1" });
    await s.app.db.insert(organizations).values({ id: "org-v", slug: "org-v", name: "Org V" });
    await s.app.db.insert(groups).values({ id: "g-v", slug: "cache-group", name: "Cache group", organizationId: "org-v" });
  });
  afterAll(() => s?.stop());

  const encodings: [string, string | undefined][] = [
    ["br, gzip", "br"],
    ["gzip", "gzip"],
    ["identity", undefined],
    ["gzip;q=0, br;q=0", undefined],
  ];

  it("serves every Accept-Encoding a decodable page, on the miss and on the hit, in any order", async () => {
    const path = "/groups/cache-group";
    const first = await rawGet(s.url, path, { "accept-encoding": "br, gzip" });
    expect(first.status).toBe(200);
    expect(first.headers["x-hearth-cache"]).toBeUndefined();
    const reference = first.html.replace(/nonce="[^"]+"/g, "");
    for (const [accept, expected] of [...encodings, ...encodings]) {
      const r = await rawGet(s.url, path, { "accept-encoding": accept });
      expect(r.status).toBe(200);
      expect(r.headers["x-hearth-cache"], accept).toBe("hit");
      expect(r.headers["content-encoding"], accept).toBe(expected);
      expect(r.html.replace(/nonce="[^"]+"/g, ""), accept).toBe(reference);
      expect(r.html).toContain("Cache group");
      expect(r.html.trimEnd().endsWith("</html>")).toBe(true);
    }
  });

  it("a page first rendered for a client without compression is compressed for the next one", async () => {
    const path = "/groups";
    const plain = await rawGet(s.url, path, { "accept-encoding": "identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const br = await rawGet(s.url, path, { "accept-encoding": "br" });
    expect(br.headers["x-hearth-cache"]).toBe("hit");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.html.replace(/nonce="[^"]+"/g, "")).toBe(plain.html.replace(/nonce="[^"]+"/g, ""));
  });

  it("keys by protocol and host: an HTTPS page with HSTS is never replayed to plain HTTP", async () => {
    const path = "/library";
    const https = await rawGet(s.url, path, { "accept-encoding": "gzip", "x-forwarded-proto": "https" });
    expect(https.headers["strict-transport-security"]).toMatch(/max-age=/);
    const plain = await rawGet(s.url, path, { "accept-encoding": "gzip" });
    expect(plain.headers["x-hearth-cache"]).toBeUndefined();
    expect(plain.headers["strict-transport-security"]).toBeUndefined();
    const plainAgain = await rawGet(s.url, path, { "accept-encoding": "gzip" });
    expect(plainAgain.headers["x-hearth-cache"]).toBe("hit");
    expect(plainAgain.headers["strict-transport-security"]).toBeUndefined();
    const httpsAgain = await rawGet(s.url, path, { "accept-encoding": "gzip", "x-forwarded-proto": "https" });
    expect(httpsAgain.headers["x-hearth-cache"]).toBe("hit");
    expect(httpsAgain.headers["strict-transport-security"]).toMatch(/max-age=/);
    const otherHost = await rawGet(s.url, path, { "accept-encoding": "gzip", host: "other.example" });
    expect(otherHost.headers["x-hearth-cache"]).toBeUndefined();
  });
});
