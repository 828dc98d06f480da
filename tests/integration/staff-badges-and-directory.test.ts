import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "#app/lib/app-context.server";
import { noopPublisher } from "#app/lib/app-context.server";
import type { ChatMessage } from "#app/lib/chat-wire";
import { createRoom, sendMessage } from "#app/modules/chat/chat.server";
import { createReply } from "#app/modules/forums/posts.server";
import { createThread } from "#app/modules/forums/threads.server";
import { loader as directoryLoader } from "#app/routes/groups._index";
import { loader as chatRoomLoader } from "#app/routes/groups.$slug.chat.$roomId/route";
import { loader as forumLoader } from "#app/routes/groups.$slug.forum._index/route";
import { loader as threadLoader } from "#app/routes/groups.$slug.forum.$threadId/route";
import { loader as membersLoader } from "#app/routes/groups.$slug.members";
import { loader as searchLoader } from "#app/routes/search";
import type { Database } from "#db/client";
import * as schema from "#db/schema/index";
import { groupMemberships, groups, organizationMembers, organizations, users } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * Trust #8 and #28 through the real route loaders: the directory tells outsiders nothing about who
 * is inside a private group, and every post, chat message and member-list entry carries its
 * author's staff standing in that group (site admin, organization staff, group moderator).
 */
describe(`staff badges and the private directory on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let admin: Member, orgStaff: Member, groupMod: Member, plain: Member, otherOrgStaff: Member, bannedMod: Member;
  let threadId: string;
  let roomId: string;
  const published: ChatMessage[] = [];

  const ctx = (viewer: Member | null, app: AppContext = t.app) => ({ app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const get = (path: string) => new Request(`http://localhost${path}`);

  beforeAll(async () => {
    t = await createTestApp();
    t.app.realtime = { ...noopPublisher, chat: { ...noopPublisher.chat, messageCreated: (m) => void published.push(m) } };
    const db = t.app.db;
    [admin, orgStaff, groupMod, plain, otherOrgStaff, bannedMod] = [
      await createMember(t.app, "Admin"),
      await createMember(t.app, "Staffer"),
      await createMember(t.app, "Mod"),
      await createMember(t.app, "Plain"),
      await createMember(t.app, "Elsewhere"),
      await createMember(t.app, "Banned"),
    ];
    await db.update(users).set({ siteRole: "admin" }).where(eq(users.id, admin.id));
    admin.siteRole = "admin";
    await db.insert(organizations).values([
      { id: "org-s", slug: "org-s", name: "Org S" },
      { id: "org-t", slug: "org-t", name: "Org T" },
    ]);
    await db.insert(groups).values([
      { id: "g-pub", slug: "pub", name: "Public group", organizationId: "org-s" },
      { id: "g-priv", slug: "priv", name: "Private group", organizationId: "org-s", visibility: "private", joinPolicy: "approval" },
    ]);
    await db.insert(organizationMembers).values([
      { organizationId: "org-s", userId: orgStaff.id, role: "moderator" },
      { organizationId: "org-t", userId: otherOrgStaff.id, role: "owner" },
    ]);
    await db.insert(groupMemberships).values([
      { groupId: "g-pub", userId: admin.id },
      { groupId: "g-pub", userId: orgStaff.id },
      { groupId: "g-pub", userId: groupMod.id, role: "moderator" },
      { groupId: "g-pub", userId: plain.id },
      { groupId: "g-pub", userId: otherOrgStaff.id },
      { groupId: "g-priv", userId: plain.id },
      { groupId: "g-priv", userId: groupMod.id, role: "moderator" },
    ]);
    const thread = await createThread(t.app, plain, "pub", { title: "Neck pain mornings", body: "Opening post about neck pain" });
    threadId = thread.threadId;
    for (const who of [admin, orgStaff, groupMod, otherOrgStaff]) await createReply(t.app, who, "pub", threadId, { body: `neck pain reply by ${who.displayName}` });
    roomId = (await createRoom(t.app, orgStaff, "pub", { name: "Coffee" })).id;
    for (const who of [admin, orgStaff, groupMod, plain]) await sendMessage(t.app, who, { roomId, body: `hello from ${who.displayName}`, clientId: `c-${who.id}` });
    // A moderator who was banned from the group is no longer staff there.
    await db.insert(groupMemberships).values({ groupId: "g-pub", userId: bannedMod.id, role: "moderator", status: "banned" });
  });
  afterAll(() => t.close());

  const expected = () => ({
    [admin.displayName]: "admin",
    [orgStaff.displayName]: "organization",
    [groupMod.displayName]: "moderator",
    [plain.displayName]: null,
    [otherOrgStaff.displayName]: null,
  });

  it("#8: the directory shows outsiders a private group's name and description, never its member count", async () => {
    for (const viewer of [null, otherOrgStaff]) {
      const data = (await directoryLoader({ request: get("/groups"), context: ctx(viewer), params: {} })) as Awaited<ReturnType<typeof directoryLoader>>;
      const priv = data.groups.find((g) => g.slug === "priv")!;
      expect(priv.name).toBe("Private group");
      expect(priv.memberCount).toBeNull();
      expect(JSON.stringify(priv)).not.toMatch(/"memberCount":\d/);
      // Public groups keep their count.
      expect(data.groups.find((g) => g.slug === "pub")!.memberCount).toBe(5);
    }
    // Those inside still see how many they are.
    const inside = (await directoryLoader({ request: get("/groups"), context: ctx(plain), params: {} })) as Awaited<ReturnType<typeof directoryLoader>>;
    expect(inside.groups.find((g) => g.slug === "priv")!.memberCount).toBe(2);
  });

  it("#28: every post on the thread page carries its author's staff standing in the group", async () => {
    const data = (await threadLoader({ request: get(`/groups/pub/forum/${threadId}`), context: ctx(plain), params: { slug: "pub", threadId } })) as Awaited<
      ReturnType<typeof threadLoader>
    >;
    // Each author is sent once (data.authors); a post points at its author there.
    expect(Object.fromEntries(data.posts.map((p) => [data.authors[p.author]!.name, data.authors[p.author]!.staff ?? null]))).toEqual(expected());
  });

  it("#28: the thread list and search results carry the author's standing", async () => {
    await createThread(t.app, groupMod, "pub", { title: "Moderator notes", body: "From the moderator" });
    const list = (await forumLoader({ request: get("/groups/pub/forum"), context: ctx(null), params: { slug: "pub" } })) as Awaited<ReturnType<typeof forumLoader>>;
    expect(Object.fromEntries(list.threads.map((th) => [th.title, th.authorStaff]))).toEqual({ "Neck pain mornings": null, "Moderator notes": "moderator" });
    const search = (await searchLoader({ request: get("/search?q=neck"), context: ctx(null), params: {} })) as Awaited<ReturnType<typeof searchLoader>>;
    expect(Object.fromEntries(search.results.map((r) => [r.authorName, r.authorStaff]))).toEqual(expected());
  });

  it("#28: chat history and the live message:new payload carry the author's standing", async () => {
    const data = (await chatRoomLoader({ request: get(`/groups/pub/chat/${roomId}`), context: ctx(plain), params: { slug: "pub", roomId } })) as Awaited<
      ReturnType<typeof chatRoomLoader>
    >;
    const standing = Object.fromEntries(data.messages.map((m) => [m.author.displayName, m.author.staff]));
    const { [otherOrgStaff.displayName]: _none, ...inRoom } = expected();
    expect(standing).toEqual(inRoom);
    // What the socket publishes (message:new) is built by sendMessage itself, not re-read.
    expect(Object.fromEntries(published.map((m) => [m.author.displayName, m.author.staff]))).toEqual(inRoom);
  });

  it("#28: the member list marks staff; a banned moderator and another organization's staff are not", async () => {
    const data = (await membersLoader({ request: get("/groups/pub/members"), context: ctx(plain), params: { slug: "pub" } })) as unknown as {
      members: { displayName: string; staff: string | null }[];
    };
    expect(Object.fromEntries(data.members.map((m) => [m.displayName, m.staff]))).toEqual(expected());
  });

  it("#28: a suspended admin carries no badge", async () => {
    await t.app.db.update(users).set({ status: "suspended" }).where(eq(users.id, admin.id));
    try {
      const data = (await membersLoader({ request: get("/groups/pub/members"), context: ctx(plain), params: { slug: "pub" } })) as unknown as {
        members: { displayName: string; staff: string | null }[];
      };
      expect(data.members.find((m) => m.displayName === admin.displayName)?.staff).toBeNull();
    } finally {
      await t.app.db.update(users).set({ status: "active" }).where(eq(users.id, admin.id));
    }
  });

  it("#28: the standing comes in the list's own query, whatever the list's length (no N+1)", async () => {
    const queries: string[] = [];
    const logger = { logQuery: (q: string) => void queries.push(q) };
    let db: Database;
    let close = async () => {};
    if (t.database.pglite) db = drizzlePglite(t.database.pglite, { schema, logger }) as unknown as Database;
    else {
      const client = postgres(t.database.url!, { max: 2, onnotice: () => {} });
      db = drizzlePostgres(client, { schema, logger }) as unknown as Database;
      close = () => client.end({ timeout: 5 });
    }
    try {
      const counted: AppContext = { ...t.app, db };
      const count = async (work: () => Promise<unknown>) => {
        queries.length = 0;
        await work();
        return queries.length;
      };
      const members = () => membersLoader({ request: get("/groups/pub/members"), context: ctx(plain, counted), params: { slug: "pub" } });
      const thread = () => threadLoader({ request: get(`/groups/pub/forum/${threadId}`), context: ctx(plain, counted), params: { slug: "pub", threadId } });
      const chat = () => chatRoomLoader({ request: get(`/groups/pub/chat/${roomId}`), context: ctx(plain, counted), params: { slug: "pub", roomId } });
      const before = { members: await count(members), thread: await count(thread), chat: await count(chat) };
      // Ten more staff authors in every list.
      for (let i = 0; i < 10; i++) {
        const extra = await createMember(t.app, `Extra${i}`);
        await t.app.db.insert(groupMemberships).values({ groupId: "g-pub", userId: extra.id, role: "moderator" });
        await createReply(t.app, extra, "pub", threadId, { body: `extra ${i}` });
        await sendMessage(t.app, extra, { roomId, body: `extra ${i}`, clientId: `extra-${extra.id}` });
      }
      expect({ members: await count(members), thread: await count(thread), chat: await count(chat) }).toEqual(before);
    } finally {
      await close();
    }
  });
});
