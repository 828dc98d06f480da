import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { visitorPageCache } from "#app/lib/visitor-cache.server";

/** A real Express server with the cache in front of a page that counts its renders. */
describe("visitor page microcache", () => {
  let base = "";
  let renders = 0;
  let close: () => void;

  beforeAll(async () => {
    const app = express();
    app.use((req, res, next) => {
      res.locals.cspNonce = randomBytes(16).toString("base64");
      next();
    });
    app.use(visitorPageCache({ ttlMs: 300, isVisitor: (req) => !req.headers.cookie }));
    app.get("/page", (_req, res) => {
      renders += 1;
      res.type("html").write(`<script nonce="${res.locals.cspNonce}">1</script>`);
      res.end(`<p>render ${renders}</p><script nonce="${res.locals.cspNonce}">2</script>`);
    });
    app.get("/cookie", (_req, res) => {
      renders += 1;
      res.setHeader("Set-Cookie", "x=1");
      res.type("html").send(`<p>render ${renders}</p>`);
    });
    app.get("/missing", (_req, res) => {
      renders += 1;
      res.status(404).type("html").send(`<p>render ${renders}</p>`);
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  const nonces = (html: string) => [...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);

  it("renders once for visitors within the TTL and gives each response its own nonce", async () => {
    const start = renders;
    const a = await fetch(`${base}/page`);
    const b = await fetch(`${base}/page`);
    const [htmlA, htmlB] = [await a.text(), await b.text()];
    expect(renders - start).toBe(1);
    expect(b.headers.get("x-hearth-cache")).toBe("hit");
    expect(b.headers.get("content-type")).toMatch(/^text\/html/);
    expect(htmlB.replace(/nonce="[^"]+"/g, "")).toBe(htmlA.replace(/nonce="[^"]+"/g, ""));
    expect(new Set(nonces(htmlB)).size).toBe(1);
    expect(nonces(htmlB)[0]).not.toBe(nonces(htmlA)[0]);
  });

  it("renders again once the TTL has passed", async () => {
    // The cache reads Date.now(): move that clock past the TTL instead of waiting (only Date is faked,
    // so the server's sockets and timers run as usual).
    // Start past the entries of the tests above, so this test's first request stores a fresh one.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 1000 });
    try {
      expect((await fetch(`${base}/page`)).headers.get("x-hearth-cache")).toBeNull();
      vi.setSystemTime(Date.now() + 250);
      expect((await fetch(`${base}/page`)).headers.get("x-hearth-cache")).toBe("hit");
      vi.setSystemTime(Date.now() + 100);
      const start = renders;
      const res = await fetch(`${base}/page`);
      expect(res.headers.get("x-hearth-cache")).toBeNull();
      expect(renders - start).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never serves signed-in people from the cache", async () => {
    await fetch(`${base}/page`);
    const start = renders;
    await fetch(`${base}/page`, { headers: { cookie: "hearth_session=abc" } });
    await fetch(`${base}/page`, { headers: { cookie: "hearth_session=abc" } });
    expect(renders - start).toBe(2);
  });

  it("does not keep responses that set a cookie, errors, or data requests", async () => {
    const start = renders;
    await fetch(`${base}/cookie`);
    await fetch(`${base}/cookie`);
    await fetch(`${base}/missing`);
    await fetch(`${base}/missing`);
    await fetch(`${base}/page?_data=root`);
    await fetch(`${base}/page?_data=root`);
    expect(renders - start).toBe(6);
  });
});
