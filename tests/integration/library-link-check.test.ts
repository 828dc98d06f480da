import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runSweeps } from "#app/modules/jobs/sweep.server";
import { checkLinks, listBrokenLinks, probeOptionsOf } from "#app/modules/library/link-check.server";
import { updateResource } from "#app/modules/library/library.server";
import { LINK_CHECK_USER_AGENT, probeLink, type ProbeOptions } from "#app/modules/library/link-probe.server";
import { notifications, organizationMembers, organizations, resources } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

interface Seen {
  method: string;
  path: string;
  userAgent: string;
}

/**
 * A local HTTP server whose paths say how to answer: /ok, /status/404, /no-head (405 to HEAD),
 * /redirect/N (N more hops, then /ok), /to?u=<url> (a redirect there), /hang (never answers),
 * /big (an endless body to GET). Every request is recorded, and `nextRequest` resolves on the next.
 */
function localServer() {
  const seen: Seen[] = [];
  let waiters: ((s: Seen) => void)[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    const s = { method: req.method ?? "", path: url.pathname, userAgent: req.headers["user-agent"] ?? "" };
    seen.push(s);
    for (const w of waiters) w(s);
    waiters = [];
    const [, first, arg] = url.pathname.split("/");
    if (first === "ok") return res.writeHead(200, { "Content-Type": "text/plain" }).end("fine");
    if (first === "status") return res.writeHead(Number(arg)).end();
    if (first === "no-head") return req.method === "HEAD" ? res.writeHead(405).end() : res.writeHead(200).end("got it");
    if (first === "redirect") return res.writeHead(302, { Location: Number(arg) > 1 ? `/redirect/${Number(arg) - 1}` : "/ok" }).end();
    if (first === "to") return res.writeHead(301, { Location: url.searchParams.get("u") ?? "/" }).end();
    if (first === "hang") return void hanging.add(res);
    if (first === "big") {
      if (req.method === "HEAD") return res.writeHead(405).end();
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      return pump();
    }
    res.writeHead(404).end();
  });
  return {
    seen,
    nextRequest: () => new Promise<Seen>((resolve) => waiters.push(resolve)),
    async start() {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return (server.address() as AddressInfo).port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe(`library link check on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let local: ReturnType<typeof localServer>;
  let base: string;
  let port: number;
  let staff: Member, member: Member;
  const NOW = new Date("2026-03-02T10:00:00Z");
  const allowed: ProbeOptions = { timeoutMs: 2000, allowAddresses: ["127.0.0.1"] };
  const refusing: ProbeOptions = { timeoutMs: 2000, allowAddresses: [] };

  beforeAll(async () => {
    local = localServer();
    port = await local.start();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ LINK_CHECK_ALLOW_ADDRESSES: "127.0.0.1", LINK_CHECK_TIMEOUT_MS: "2000" });
    await t.app.db.insert(organizations).values([
      { id: "org-lc", slug: "org-lc", name: "Org LC" },
      { id: "org-other", slug: "org-other", name: "Other" },
    ]);
    staff = await createMember(t.app, "Staff");
    member = await createMember(t.app, "Member");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-lc", userId: staff.id, role: "admin" });
  });
  afterAll(async () => {
    await t?.close();
    await local?.close();
  });
  beforeEach(() => {
    local.seen.length = 0;
  });

  describe("probing one link", () => {
    it("2xx is ok, 4xx/5xx are broken with the status; HEAD first, with a User-Agent naming Hearth", async () => {
      expect(await probeLink(`${base}/ok`, allowed)).toEqual({ ok: true, status: 200 });
      expect(local.seen).toEqual([{ method: "HEAD", path: "/ok", userAgent: LINK_CHECK_USER_AGENT }]);
      expect(LINK_CHECK_USER_AGENT).toMatch(/Hearth/);
      expect(await probeLink(`${base}/status/404`, allowed)).toEqual({ ok: false, error: "HTTP 404" });
      expect(await probeLink(`${base}/status/503`, allowed)).toEqual({ ok: false, error: "HTTP 503" });
    });

    it("falls back to GET when HEAD is refused, reading only a few KB of an endless body", async () => {
      expect(await probeLink(`${base}/no-head`, allowed)).toEqual({ ok: true, status: 200 });
      expect(local.seen.map((s) => s.method)).toEqual(["HEAD", "GET"]);
      expect(await probeLink(`${base}/big`, allowed)).toEqual({ ok: true, status: 200 });
    });

    it("follows at most 5 redirects, each hop checked again", async () => {
      expect(await probeLink(`${base}/redirect/5`, allowed)).toEqual({ ok: true, status: 200 });
      expect(local.seen.map((s) => s.path)).toEqual(["/redirect/5", "/redirect/4", "/redirect/3", "/redirect/2", "/redirect/1", "/ok"]);
      expect(await probeLink(`${base}/redirect/6`, allowed)).toEqual({ ok: false, error: "more than 5 redirects" });
      // A public page redirecting into the private network: the hop is refused, never connected to.
      local.seen.length = 0;
      expect(await probeLink(`${base}/to?u=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`, allowed)).toEqual({
        ok: false,
        error: "refused: link-local address",
      });
      expect(await probeLink(`${base}/to?u=${encodeURIComponent("file:///etc/passwd")}`, allowed)).toEqual({ ok: false, error: "refused: not an http(s) address" });
      expect(local.seen.map((s) => s.path)).toEqual(["/to", "/to"]);
    });

    it("a server that never answers times out within the deadline", async () => {
      const asked = local.nextRequest();
      const started = Date.now();
      const result = probeLink(`${base}/hang`, { ...allowed, timeoutMs: 300 });
      await asked; // the request did arrive: the timeout is the server's silence
      expect(await result).toEqual({ ok: false, error: "timed out" });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it("without the allow list, private and loopback addresses are refused and never connected to", async () => {
      const cases: [string, string][] = [
        [`http://127.0.0.1:${port}/ok`, "refused: loopback address"],
        [`http://10.0.0.1:${port}/ok`, "refused: private address"],
        ["http://169.254.169.254/latest/meta-data/", "refused: link-local address"],
        [`http://[::1]:${port}/ok`, "refused: loopback address"],
        [`http://[::ffff:127.0.0.1]:${port}/ok`, "refused: loopback address"],
        [`http://0x7f.1:${port}/ok`, "refused: loopback address"],
        [`http://localhost:${port}/ok`, "refused: loopback address"],
      ];
      for (const [url, error] of cases) expect(await probeLink(url, refusing), url).toEqual({ ok: false, error });
      // A public-looking name whose DNS answer includes 127.0.0.1 (a rebinding attempt): refused too.
      const rebinding: ProbeOptions = { ...refusing, resolve: async () => [{ address: "93.184.216.34", family: 4 }, { address: "127.0.0.1", family: 4 }] };
      expect(await probeLink(`http://innocent.example:${port}/ok`, rebinding)).toEqual({ ok: false, error: "refused: loopback address" });
      expect(await probeLink(`ftp://127.0.0.1:${port}/`, refusing)).toEqual({ ok: false, error: "refused: not an http(s) address" });
      expect(local.seen).toEqual([]);
    });

    it("the connection goes to the checked address, whatever the name resolves to later", async () => {
      // resolve answers 127.0.0.1 once (allowed here); the request must use it, not a second lookup.
      let lookups = 0;
      const once: ProbeOptions = { ...allowed, resolve: async () => (lookups++ === 0 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.9.9.9", family: 4 }]) };
      expect(await probeLink(`http://pinned.example:${port}/ok`, once)).toEqual({ ok: true, status: 200 });
      expect(lookups).toBe(1);
      expect(local.seen.map((s) => s.path)).toEqual(["/ok"]);
    });

    it("DNS failures and refused connections are broken with their reason", async () => {
      expect(await probeLink("http://no-such-host.invalid/", refusing)).toEqual({ ok: false, error: "DNS lookup failed" });
      const closed = localServer();
      const closedPort = await closed.start();
      await closed.close();
      expect(await probeLink(`http://127.0.0.1:${closedPort}/`, allowed)).toEqual({ ok: false, error: "connection refused" });
    });
  });

  describe("the weekly sweep", () => {
    const link = (id: string, path: string, organizationId = "org-lc") =>
      t.app.db.insert(resources).values({ id, organizationId, kind: "link", category: "support", title: `Link ${id}`, url: `${base}${path}` });
    const row = async (id: string) => (await t.app.db.select().from(resources).where(eq(resources.id, id)))[0]!;
    const brokenNotices = async () =>
      t.app.db.select({ title: notifications.title, link: notifications.link }).from(notifications).where(and(eq(notifications.userId, staff.id), eq(notifications.kind, "resource_link_broken")));
    const at = (d: Date) => {
      t.app.clock = { now: () => d };
    };
    const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

    it("checks each link once a week, keeps broken-since from the first failure, tells staff once", async () => {
      await link("lc-ok", "/ok");
      await link("lc-gone", "/status/404");
      at(NOW);
      await runSweeps(t.app);
      expect(local.seen.map((s) => s.path).sort()).toEqual(["/ok", "/status/404"]);
      expect(await row("lc-ok")).toMatchObject({ linkStatus: "ok", linkError: null, linkBrokenSince: null, linkCheckedAt: NOW });
      expect(await row("lc-gone")).toMatchObject({ linkStatus: "broken", linkError: "HTTP 404", linkBrokenSince: NOW, linkCheckedAt: NOW });
      expect(await brokenNotices()).toEqual([{ title: "A link in the library is broken: “Link lc-gone”", link: "/library/lc-gone" }]);

      // The same week: nothing is checked again.
      local.seen.length = 0;
      at(days(3));
      await runSweeps(t.app);
      expect(local.seen).toEqual([]);

      // A week later: checked again; still broken keeps its first date and tells nobody again.
      at(days(7));
      await runSweeps(t.app);
      expect(local.seen.map((s) => s.path).sort()).toEqual(["/ok", "/status/404"]);
      expect(await row("lc-gone")).toMatchObject({ linkStatus: "broken", linkBrokenSince: NOW, linkCheckedAt: days(7) });
      expect(await brokenNotices()).toHaveLength(1);

      // Fixed: ok again, broken-since cleared; broken later is a new notice.
      await t.app.db.update(resources).set({ url: `${base}/ok` }).where(eq(resources.id, "lc-gone"));
      at(days(14));
      await runSweeps(t.app);
      expect(await row("lc-gone")).toMatchObject({ linkStatus: "ok", linkError: null, linkBrokenSince: null });
      await t.app.db.update(resources).set({ url: `${base}/status/500` }).where(eq(resources.id, "lc-gone"));
      at(days(21));
      await runSweeps(t.app);
      expect(await row("lc-gone")).toMatchObject({ linkStatus: "broken", linkError: "HTTP 500", linkBrokenSince: days(21) });
      expect(await brokenNotices()).toHaveLength(2);
      await t.app.db.delete(resources).where(eq(resources.id, "lc-ok"));
      await t.app.db.delete(resources).where(eq(resources.id, "lc-gone"));
    });

    it("two nodes sweeping at once check each link once", async () => {
      for (let i = 0; i < 12; i++) await link(`lc-par-${i}`, `/ok?i=${i}`);
      local.seen.length = 0;
      const now = days(40);
      await Promise.all([checkLinks(t.app, now, probeOptionsOf(t.app)), checkLinks(t.app, now, probeOptionsOf(t.app))]);
      expect(local.seen).toHaveLength(12);
      const rows = await t.app.db.select({ status: resources.linkStatus }).from(resources).where(eq(resources.organizationId, "org-lc"));
      expect(rows.every((r) => r.status === "ok")).toBe(true);
    });

    it("broken links are listed for the organization's staff only; refused addresses say so", async () => {
      await link("lc-refused", "/ok");
      await t.app.db.update(resources).set({ url: "http://10.1.2.3/admin" }).where(eq(resources.id, "lc-refused"));
      await link("lc-other", "/status/410", "org-other");
      at(days(60));
      await runSweeps(t.app);
      const list = await listBrokenLinks(t.app, staff, "org-lc");
      expect(list).toEqual([
        { id: "lc-refused", title: "Link lc-refused", url: "http://10.1.2.3/admin", error: "refused: private address", brokenSince: days(60).toISOString(), checkedAt: days(60).toISOString() },
      ]);
      await expect(listBrokenLinks(t.app, member, "org-lc")).rejects.toMatchObject({ code: "forbidden" });
      await expect(listBrokenLinks(t.app, null, "org-lc")).rejects.toBeTruthy();
    });

    it("staff fixing a broken link's address get it checked at the next sweep, not a week later", async () => {
      await updateResource(t.app, staff, "lc-refused", { kind: "link", organizationId: "org-lc", groupId: "", category: "support", title: "Link lc-refused", summary: "", url: `${base}/ok`, tags: "" });
      local.seen.length = 0;
      at(days(60.01));
      await runSweeps(t.app);
      expect(local.seen.map((s) => s.path)).toEqual(["/ok"]);
      expect(await row("lc-refused")).toMatchObject({ linkStatus: "ok", linkError: null, linkBrokenSince: null });
      expect(await listBrokenLinks(t.app, staff, "org-lc")).toEqual([]);
    });
  });
});
