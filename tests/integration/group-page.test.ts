import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getGroupSections, markGroupVisited } from "#app/modules/groups/group-page.server";
import { getGroupPage } from "#app/modules/groups/groups.server";
import { editGroup } from "#app/modules/organizations/organizations.server";
import { action as settingsAction } from "#app/routes/groups.$slug.settings";
import { GroupSettingsSchema } from "#app/modules/organizations/organizations.schema";
import { chatMessages, chatRooms, events, groupMemberships, groups, organizationMembers, organizations, posts, threads } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { outcome } from "#tests/helpers/errors";

/** The group page's sections: recent threads, next events, active rooms, moderators, rules; the visit marker. */
describe(`group page on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let member: Awaited<ReturnType<typeof createMember>>;
  let moderator: Awaited<ReturnType<typeof createMember>>;
  let outsider: Awaited<ReturnType<typeof createMember>>;
  let owner: Awaited<ReturnType<typeof createMember>>;
  let now = new Date("2026-06-10T12:00:00Z");
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

  beforeAll(async () => {
    t = await createTestApp();
    t.app.clock = { now: () => now };
    await t.app.db.insert(organizations).values({ id: "org-p", slug: "org-p", name: "Org P" });
    await t.app.db.insert(groups).values([
      { id: "g-pub", slug: "pub", name: "Public group", organizationId: "org-p", rules: "- Be kind\n- No medical advice\n\n<script>alert(1)</script>" },
      { id: "g-priv", slug: "priv", name: "Private group", organizationId: "org-p", visibility: "private" },
    ]);
    member = await createMember(t.app, "Member");
    moderator = await createMember(t.app, "Moderator");
    outsider = await createMember(t.app, "Outsider");
    owner = await createMember(t.app, "Owner");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-p", userId: owner.id, role: "owner" });
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-pub", userId: member.id },
      { groupId: "g-pub", userId: moderator.id, role: "moderator" },
      { groupId: "g-priv", userId: member.id },
    ]);
    for (let i = 0; i < 7; i++) {
      await t.app.db.insert(threads).values({ id: `t${i}`, groupId: "g-pub", authorId: member.id, title: `Thread ${i}`, lastActivityAt: ago(100 - i) });
      await t.app.db.insert(posts).values({ id: `p${i}`, threadId: `t${i}`, authorId: member.id, isOpening: true, body: "hi" });
    }
    for (let i = 0; i < 5; i++) {
      // The events listing decides "upcoming" on the real clock.
      const startsAt = new Date(Date.now() + (i - 1) * 86_400_000 + 3_600_000);
      await t.app.db.insert(events).values({ id: `e${i}`, organizationId: "org-p", groupId: "g-pub", title: `Event ${i}`, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), timeZone: "Europe/Paris", format: "online" });
    }
    // Rooms: one quiet, one with an old message, one with a recent one, one archived.
    await t.app.db.insert(chatRooms).values([
      { id: "r-quiet", groupId: "g-pub", name: "Quiet room" },
      { id: "r-old", groupId: "g-pub", name: "Old room" },
      { id: "r-new", groupId: "g-pub", name: "Busy room" },
      { id: "r-arch", groupId: "g-pub", name: "Archived room", archivedAt: ago(1) },
    ]);
    await t.app.db.insert(chatMessages).values([
      { id: "m1", roomId: "r-old", seq: 1, authorId: member.id, body: "old", clientId: "c1", createdAt: ago(600) },
      { id: "m2", roomId: "r-new", seq: 1, authorId: member.id, body: "new", clientId: "c2", createdAt: ago(5) },
      { id: "m3", roomId: "r-arch", seq: 1, authorId: member.id, body: "arch", clientId: "c3", createdAt: ago(1) },
    ]);
  });
  afterAll(() => t?.close());

  const sections = async (viewer: Awaited<ReturnType<typeof createMember>> | null, slug: string) =>
    getGroupSections(t.app, viewer, await getGroupPage(t.app, viewer, slug));

  it("shows the five most recent threads, the next three events, rooms by latest message, the moderators and the rules", async () => {
    const s = await sections(member, "pub");
    expect(s.threads.map((x) => x.id)).toEqual(["t6", "t5", "t4", "t3", "t2"]);
    // e0 started 23 hours ago and has ended: not listed.
    expect(s.events.map((e) => e.id)).toEqual(["e1", "e2", "e3"]);
    expect(s.rooms.map((r) => [r.id, r.lastMessageAt?.toISOString() ?? null])).toEqual([
      ["r-new", ago(5).toISOString()],
      ["r-old", ago(600).toISOString()],
      ["r-quiet", null],
    ]);
    expect(s.moderators.map((m) => m.displayName)).toEqual([moderator.displayName]);
    expect(s.rulesHtml).toContain("<li>Be kind</li>");
    expect(s.rulesHtml).not.toContain("<script>");
  });

  it("visitors see a public group's sections; outsiders and visitors get 404 for a private group", async () => {
    const s = await sections(null, "pub");
    expect(s.threads).toHaveLength(5);
    expect(s.moderators).toHaveLength(1);
    expect(await outcome(sections(outsider, "priv"))).toBe("not_found");
    expect(await outcome(sections(null, "priv"))).toBe("not_found");
    expect((await sections(member, "priv")).threads).toEqual([]);
  });

  it("a group without rules or moderators says so plainly (null rules)", async () => {
    const s = await sections(member, "priv");
    expect(s.rulesHtml).toBeNull();
    expect(s.moderators).toEqual([]);
  });

  it("a member's visit is written once, and again only after a minute", async () => {
    const visited = async () =>
      (await t.app.db.select({ at: groupMemberships.lastVisitedAt }).from(groupMemberships).where(and(eq(groupMemberships.groupId, "g-pub"), eq(groupMemberships.userId, member.id))))[0]!.at;
    const group = await getGroupPage(t.app, member, "pub");
    expect(await visited()).toBeNull();
    await markGroupVisited(t.app, member, group);
    expect((await visited())?.toISOString()).toBe(now.toISOString());
    const first = now;
    now = new Date(first.getTime() + 30_000);
    await markGroupVisited(t.app, member, group);
    expect((await visited())?.toISOString()).toBe(first.toISOString());
    now = new Date(first.getTime() + 120_000);
    await markGroupVisited(t.app, member, group);
    expect((await visited())?.toISOString()).toBe(now.toISOString());
    // Visitors and outsiders leave no trace.
    await markGroupVisited(t.app, outsider, await getGroupPage(t.app, outsider, "pub"));
    expect(await t.app.db.select().from(groupMemberships).where(eq(groupMemberships.userId, outsider.id))).toEqual([]);
  });

  it("the organization edits the rules from the group settings; members cannot", async () => {
    const input = GroupSettingsSchema.parse({ name: "Private group", description: "", visibility: "private", joinPolicy: "open", rules: "  **Only** what you'd say to a friend.  " });
    expect(await outcome(editGroup(t.app, member, "priv", input))).toBe("forbidden");
    await editGroup(t.app, owner, "priv", input);
    expect((await sections(member, "priv")).rulesHtml).toContain("<strong>Only</strong>");
    expect(GroupSettingsSchema.safeParse({ ...input, rules: "x".repeat(5001) }).success).toBe(false);
  });

  it("the settings form saves the rules, and answers a too-long one with the error beside the field", async () => {
    const post = async (rules: string) => {
      const body = new URLSearchParams({ name: "Public group", description: "", visibility: "public", joinPolicy: "open", rules });
      const request = new Request("http://localhost/groups/pub/settings", { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      const context = { app: t.app, viewer: owner, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
      const response = (await settingsAction({ request, context, params: { slug: "pub" } })) as Response;
      return { status: response.status, data: (await response.json()) as { ok: boolean; fieldErrors?: Record<string, string[]> } };
    };
    const tooLong = await post("x".repeat(5001));
    expect(tooLong.status).toBe(400);
    expect(tooLong.data.fieldErrors?.rules).toEqual(["Use at most 5,000 characters."]);
    const saved = await post("1. Listen first\n2. Then share");
    expect(saved.data.ok).toBe(true);
    const [row] = await t.app.db.select({ rules: groups.rules }).from(groups).where(eq(groups.id, "g-pub"));
    expect(row!.rules).toBe("1. Listen first\n2. Then share");
    expect((await sections(member, "pub")).rulesHtml).toContain("<ol>");
  });
});
