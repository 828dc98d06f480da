import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventCreateRate } from "#app/modules/events/events.server";
import { editRate } from "#app/modules/forums/posts.server";
import { resourceCreateRate } from "#app/modules/library/library.server";
import { reportRate } from "#app/modules/moderation/report-rate.server";
import { chatMessages, events, groupMemberships, organizationMembers, posts, reports, resources, threads } from "#db/schema/index";
import { createMember, insertGroupWithRoom } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";
import { connectedSocket } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * #33: post edits, reports (one budget across posts, chat messages and members), event creation and
 * resource creation are rate limited through the shared limiter, answering 429 with Retry-After and
 * a clear message, through the real routes and socket of the real server.
 */
describe(`rate limits on edits, reports and creation on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let owner: Member, author: Member, reporter: Member;

  beforeAll(async () => {
    s = await startAppServer();
    const db = s.app.db;
    await insertGroupWithRoom(db, "r", { slug: "rate-group", name: "Rate group" });
    owner = await createMember(s.app, "Owner");
    author = await createMember(s.app, "Author");
    reporter = await createMember(s.app, "Reporter");
    await db.insert(organizationMembers).values({ organizationId: "org-r", userId: owner.id, role: "owner" });
    await db.insert(groupMemberships).values([author, reporter, owner].map((m) => ({ groupId: "g-r", userId: m.id })));
    await db.insert(threads).values({ id: "thread-r", groupId: "g-r", authorId: author.id, title: "Many posts" });
    await db.insert(posts).values(
      Array.from({ length: reportRate.limit + 2 }, (_, i) => ({ id: `post-r${i}`, threadId: "thread-r", authorId: author.id, isOpening: i === 0, body: `Post ${i}` })),
    );
    await db.insert(chatMessages).values({ id: "msg-r", roomId: "room-r", seq: 1, authorId: author.id, body: "hello", clientId: "client-rate-1" });
  });
  afterAll(() => s?.stop());

  async function expectLimited(r: Response, message: RegExp) {
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(JSON.stringify(await r.json())).toMatch(message);
  }

  it(`after ${editRate.limit} post edits in the window the next is refused with 429 and Retry-After`, async () => {
    const edit = (i: number) =>
      s.postForm(`/groups/rate-group/forum/thread-r/posts/post-r1/edit?_data=routes%2Fgroups.%24slug.forum.%24threadId_.posts.%24postId.edit`, { intent: "post", body: `Edited ${i} times` }, { cookie: s.cookie(author.token) });
    for (let i = 0; i < editRate.limit; i++) expect((await edit(i)).status).toBe(204);
    await expectLimited(await edit(99), /edited posts many times.*try again in/);
  });

  it("reports share one budget across posts, members and chat messages", async () => {
    const reportPost = (i: number) =>
      s.postForm("/groups/rate-group/forum/thread-r?_data=routes%2Fgroups.%24slug.forum.%24threadId", { intent: "report", postId: `post-r${i}`, reason: "spam", details: "" }, { cookie: s.cookie(reporter.token) });
    for (let i = 0; i < reportRate.limit - 1; i++) expect((await reportPost(i)).status).toBe(200);
    const member = await s.postForm("/groups/rate-group/members?_data=routes%2Fgroups.%24slug.members", { userId: author.id, reason: "harassment", details: "" }, { cookie: s.cookie(reporter.token) });
    expect(member.status).toBe(200);
    await expectLimited(await reportPost(reportRate.limit), /many reports/);

    const socket = await connectedSocket(s.url, { cookie: s.cookie(reporter.token), origin: s.url });
    try {
      const ack = await socket.timeout(10_000).emitWithAck("message:report", { messageId: "msg-r", reason: "spam", details: "" });
      expect(ack).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    } finally {
      socket.disconnect();
    }
    expect(await s.app.db.select().from(reports)).toHaveLength(reportRate.limit);
  });

  it(`after ${eventCreateRate.limit} new events in the window the next keeps the form and says when to try again`, async () => {
    const create = (i: number) =>
      s.postForm(
        "/events/new?_data=routes%2Fevents.new",
        { organizationId: "org-r", title: `Meet-up ${i}`, timeZone: "UTC", startsAt: "2099-06-01T10:00", endsAt: "2099-06-01T11:00", format: "online", onlineUrl: "https://meet.example/r" },
        { cookie: s.cookie(owner.token) },
      );
    for (let i = 0; i < eventCreateRate.limit; i++) expect((await create(i)).status).toBe(204);
    await expectLimited(await create(99), /several events.*kept here.*try again in/);
    expect(await s.app.db.select().from(events)).toHaveLength(eventCreateRate.limit);
  });

  it(`after ${resourceCreateRate.limit} new resources in the window the next is refused the same way`, async () => {
    const create = (i: number) =>
      s.postForm(
        "/library/new?_data=routes%2Flibrary.new",
        { kind: "link", organizationId: "org-r", category: "living", title: `Link ${i}`, summary: "A useful page", url: "https://example.org/r", tags: "" },
        { cookie: s.cookie(owner.token) },
      );
    for (let i = 0; i < resourceCreateRate.limit; i++) expect((await create(i)).status).toBe(204);
    await expectLimited(await create(99), /many resources.*try again in/);
    expect(await s.app.db.select().from(resources)).toHaveLength(resourceCreateRate.limit);
  });
});
