import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupMemberships, groups, organizations } from "#db/schema/index";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { createReply } from "#app/modules/forums/posts.server";
import { createThread } from "#app/modules/forums/threads.server";
import { createMember } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";

/**
 * Issue 17: a post's HTML goes to the browser once. The thread page's markup carries each body; the
 * hydration data (window.__remixContext) carries ids and state without `html`; a data request
 * (client navigation) carries the HTML, since it has no markup. The report form is rendered for the
 * post named by ?report= only (the no-JavaScript way to open it), not in every post.
 */
describe(`thread page: post HTML once, on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let member: Awaited<ReturnType<typeof createMember>>;
  let path: string;
  const bodies = Array.from({ length: 6 }, (_, i) => `Reply **quokka${i}** about mornings`);

  beforeAll(async () => {
    s = await startAppServer();
    const app = s.app;
    await app.db.insert(organizations).values({ id: "ho", slug: "ho", name: "Org" });
    await app.db.insert(groups).values({ id: "hg", slug: "hg", name: "Group", organizationId: "ho" });
    const author = await createMember(app, "Author");
    member = await createMember(app, "Reader");
    await app.db.insert(groupMemberships).values([author, member].map((m) => ({ groupId: "hg", userId: m.id, status: "active" as const })));
    const { threadId } = await createThread(app, author, "hg", { title: "Mornings", body: "Opening **wombat** post" });
    for (const body of bodies) {
      app.limiter = new MemoryRateLimiter();
      await createReply(app, author, "hg", threadId, { body });
    }
    path = `/groups/hg/forum/${threadId}`;
  });
  afterAll(() => s.close());

  const page = async (query = "", cookie = s.cookie(member.token)) => {
    const res = await fetch(`${s.url}${path}${query}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const hydrationData = (html: string) => {
    const script = html.match(/window\.__remixContext = (\{.*?\});/s);
    expect(script).not.toBeNull();
    return script![1]!;
  };
  const count = (text: string, needle: string) => text.split(needle).length - 1;

  it("the markup has each body once and the hydration data none, for a member and a visitor", async () => {
    for (const html of [await page(), await page("", "")]) {
      const data = hydrationData(html);
      for (const [i, rendered] of ["<strong>wombat</strong>", ...bodies.map((_, i) => `<strong>quokka${i}</strong>`)].entries()) {
        expect(count(html, rendered), `post ${i}`).toBe(1);
        expect(data).not.toContain(rendered);
      }
      expect(data).not.toContain('"html"');
      expect(data).toContain('"hasBody":true');
    }
  });

  it("a data request (client navigation) carries the HTML", async () => {
    const res = await fetch(`${s.url}${path}?_data=${encodeURIComponent("routes/groups.$slug.forum.$threadId")}`, { headers: { cookie: s.cookie(member.token) } });
    expect(res.status).toBe(200);
    const data = (await res.json()) as { posts: { html: string | null }[] };
    expect(data.posts.map((p) => p.html)).toEqual(["<p>Opening <strong>wombat</strong> post</p>", ...bodies.map((_, i) => `<p>Reply <strong>quokka${i}</strong> about mornings</p>`)]);
  });

  it("the report form is in the markup only for the post ?report= names", async () => {
    const closed = await page();
    expect(count(closed, "Report…")).toBe(7);
    expect(count(closed, "Why are you reporting this post?")).toBe(0);
    const postId = closed.match(/id="post-([\w-]+)-body"/)![1]!;
    expect(closed).toContain(`href="?report=${postId}#post-${postId}"`);
    const open = await page(`?report=${postId}`);
    expect(count(open, "Why are you reporting this post?")).toBe(1);
    expect(open.match(/<details open="">\s*<summary[^>]*>Report…<\/summary><form/)).not.toBeNull();
  });
});
