import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "#app/lib/ids.server";
import { headerFor, validateSessionWithHeader } from "#app/modules/header/header.server";
import { moderationLinks } from "#app/modules/moderation/queue.server";
import { unreadCount } from "#app/modules/notifications/notifications.server";
import { heldContent, notifications, sessions, users } from "#db/schema/index";
import { createMember } from "#tests/helpers/app";
import { createChatGroup } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";

type Member = Awaited<ReturnType<typeof createMember>>;
interface RootData {
  viewer: { displayName: string; unread: number; staff: { queue: boolean; admin: boolean; held: number }; organizations: { slug: string; name: string }[] } | null;
}

/**
 * Issue 17: the layout (session, unread count, moderation and organization links) costs at most one
 * database round trip per page for a signed-in member. Counted on the real server: every statement
 * the server sends goes through a counted Drizzle handle (tests/helpers/app.ts countedDatabase).
 */
describe(`the layout's database round trips on ${testDatabaseKind}`, () => {
  let server: AppServer;
  let member: Member, mod: Member, orgStaff: Member, admin: Member;
  let orgName: string;

  beforeAll(async () => {
    server = await startAppServer({}, { countQueries: true });
    const app = server.app;
    [member, mod, orgStaff, admin] = await Promise.all(["Member", "Mod", "Staff", "Admin"].map((n) => createMember(app, n)));
    await app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, admin.id));
    const { groupId, slug } = await createChatGroup(app, { moderatorId: mod.id, memberIds: [member.id], orgStaff: [{ userId: orgStaff.id, role: "admin" }] });
    orgName = `Org ${slug}`; // tests/helpers/chat.ts names the group's organization so
    // Two unread notices for the member, one read; two items waiting in the group's queue.
    await app.db.insert(notifications).values([
      { id: newId(), userId: member.id, kind: "event_changed", title: "Changed" },
      { id: newId(), userId: member.id, kind: "event_cancelled", title: "Cancelled" },
      { id: newId(), userId: member.id, kind: "event_changed", title: "Seen", readAt: new Date() },
    ]);
    for (const title of ["First", "Second"]) {
      await app.db.insert(heldContent).values({ id: newId(), kind: "thread", groupId, authorId: member.id, title, body: "waits", reason: "new_member" });
    }
  }, 240_000);
  afterAll(() => server?.stop());

  const get = (path: string, who: Member | null) => fetch(server.url + path, { headers: who ? { Cookie: server.cookie(who.token) } : {} });

  async function rootData(who: Member | null): Promise<{ data: RootData; queries: number }> {
    let data: RootData | undefined;
    const queries = await server.countQueries(async () => {
      const res = await get("/privacy?_data=root", who);
      expect(res.status).toBe(200);
      data = (await res.json()) as RootData;
    });
    return { data: data!, queries };
  }

  it("a document request for a page whose own loader needs no database costs one round trip signed in, none as a visitor", async () => {
    for (const who of [member, mod, orgStaff, admin, null]) {
      const queries = await server.countQueries(async () => {
        const res = await get("/privacy", who);
        expect(res.status).toBe(200);
        const html = await res.text();
        if (who) expect(html).toContain(who.displayName);
        else expect(html).toContain("Create account");
      });
      expect({ who: who?.displayName ?? "visitor", queries }).toEqual({ who: who?.displayName ?? "visitor", queries: who ? 1 : 0 });
    }
  });

  it("the root's data request is one round trip, with the header data of each kind of member", async () => {
    const m = await rootData(member);
    expect(m.queries).toBe(1);
    expect(m.data.viewer).toEqual({ displayName: member.displayName, emailVerified: true, unread: 2, staff: { queue: false, admin: false, held: 0 }, organizations: [] });

    const md = await rootData(mod);
    expect(md.queries).toBe(1);
    expect(md.data.viewer).toMatchObject({ unread: 0, staff: { queue: true, admin: false, held: 2 }, organizations: [] });

    const staff = await rootData(orgStaff);
    expect(staff.queries).toBe(1);
    expect(staff.data.viewer).toMatchObject({ staff: { queue: true, admin: false, held: 2 }, organizations: [{ name: orgName }] });

    const a = await rootData(admin);
    expect(a.queries).toBe(1);
    expect(a.data.viewer).toMatchObject({ staff: { queue: true, admin: true } });
    expect(a.data.viewer!.staff.held).toBeGreaterThanOrEqual(2);

    const visitor = await rootData(null);
    expect(visitor.queries).toBe(0);
    expect(visitor.data.viewer).toBeNull();
  });

  it("another route's data request reads the session without the header's data", async () => {
    // /privacy's own loader reads no database: what is counted is the session check alone.
    const queries = await server.countQueries(async () => {
      const res = await get("/privacy?_data=routes%2Fprivacy", member);
      expect(res.status).toBe(200);
    });
    expect(queries).toBe(1);
  });

  it("a page's document request costs what its own data request costs: the layout adds no round trip", async () => {
    for (const who of [member, mod, orgStaff, admin]) {
      const page = await server.countQueries(async () => expect((await get("/groups", who)).status).toBe(200));
      const data = await server.countQueries(async () => expect((await get("/groups?_data=routes%2Fgroups._index", who)).status).toBe(200));
      expect(page).toBe(data);
    }
  });

  it("the header read on its own (a page rendered after an action) matches the session's and the header's separate reads", async () => {
    for (const who of [member, mod, orgStaff, admin]) {
      const withSession = await validateSessionWithHeader(server.app, who.token);
      const viewer = withSession!.viewer;
      expect(await headerFor(server.app, viewer)).toEqual(withSession!.header);
      expect(withSession!.header.unread).toBe(await unreadCount(server.app, viewer));
      expect(withSession!.header.staff).toEqual(await moderationLinks(server.app, viewer));
    }
  });

  it("a session past half its life is extended with one more write, and a suspended account is signed out", async () => {
    const soon = new Date(Date.now() + 60_000);
    await server.app.db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.id, member.token));
    let cookie: string | null = null;
    const queries = await server.countQueries(async () => {
      const res = await get("/privacy", member);
      expect(res.status).toBe(200);
      cookie = res.headers.get("set-cookie");
    });
    expect(queries).toBe(2);
    expect(cookie).toMatch(/hearth_session=/);
    const [s] = await server.app.db.select().from(sessions).where(eq(sessions.id, member.token));
    expect(s!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 24 * 3_600_000);

    await server.app.db.update(users).set({ status: "suspended" }).where(eq(users.id, mod.id));
    const res = await get("/privacy?_data=root", mod);
    expect(((await res.json()) as RootData).viewer).toBeNull();
    expect(await server.app.db.select().from(sessions).where(eq(sessions.userId, mod.id))).toEqual([]);
  });
});
