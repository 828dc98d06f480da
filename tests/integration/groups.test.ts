import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decideJoinRequest,
  getGroupPage,
  joinGroup,
  leaveGroup,
  listGroups,
  listJoinRequests,
  listMembers,
} from "#app/modules/groups/groups.server";
import { groupMemberships, groups, organizationMembers, organizations } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { outcome } from "#tests/helpers/errors";

const code = outcome;

describe(`groups on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let mod: Awaited<ReturnType<typeof createMember>>;
  let otherOrgAdmin: Awaited<ReturnType<typeof createMember>>;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.app.db;
    await db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A", verifiedAt: new Date() },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await db.insert(groups).values([
      { id: "g-open", slug: "open-group", name: "Open group", organizationId: "org-a" },
      { id: "g-priv", slug: "private-group", name: "Private group", organizationId: "org-a", visibility: "private", joinPolicy: "approval" },
      { id: "g-pubappr", slug: "approval-group", name: "Approval group", organizationId: "org-a", joinPolicy: "approval" },
    ]);
    mod = await createMember(t.app, "Moderator");
    otherOrgAdmin = await createMember(t.app, "OtherAdmin");
    await db.insert(groupMemberships).values({ groupId: "g-priv", userId: mod.id, role: "moderator", status: "active" });
    await db.insert(organizationMembers).values({ organizationId: "org-b", userId: otherOrgAdmin.id, role: "admin" });
  });
  afterAll(() => t.close());

  it("lists groups with organization, member counts and the viewer's permissions", async () => {
    const { groups: list } = await listGroups(t.app, null);
    expect(list.map((g) => [g.slug, g.memberCount, g.organization.name, g.organization.verified])).toEqual([
      ["approval-group", 0, "Org A", true],
      ["open-group", 0, "Org A", true],
      // Outsiders learn nothing about who is inside a private group, not even how many (Trust #8).
      ["private-group", null, "Org A", true],
    ]);
    expect(list.find((g) => g.slug === "private-group")!.permissions).toMatchObject({ view: false, requestJoin: false });
  });

  it("joins an open group at once and counts the member", async () => {
    const m = await createMember(t.app, "Joiner");
    expect((await joinGroup(t.app, m, "open-group")).status).toBe("active");
    const g = await getGroupPage(t.app, m, "open-group");
    expect(g.memberCount).toBe(1);
    expect(g.membership).toEqual({ role: "member", status: "active" });
    expect(await code(joinGroup(t.app, m, "open-group"))).toBe("forbidden");
  });

  it("files a pending request for an approval group; the private page stays 404 until approved", async () => {
    const m = await createMember(t.app, "Carer");
    expect((await joinGroup(t.app, m, "private-group")).status).toBe("pending");
    expect(await code(getGroupPage(t.app, m, "private-group"))).toBe("not_found");
    expect(await code(listMembers(t.app, m, "private-group"))).toBe("not_found");

    const page = await getGroupPage(t.app, mod, "private-group");
    const requests = await listJoinRequests(t.app, mod, page);
    expect(requests.map((r) => r.userId)).toEqual([m.id]);

    await decideJoinRequest(t.app, mod, "private-group", { userId: m.id, decision: "approve" });
    const seen = await getGroupPage(t.app, m, "private-group");
    expect(seen.membership?.status).toBe("active");
    const { members } = await listMembers(t.app, m, "private-group");
    expect(members.map((x) => x.userId).sort()).toEqual([m.id, mod.id].sort());
    // Deciding twice finds nothing to decide.
    expect(await code(decideJoinRequest(t.app, mod, "private-group", { userId: m.id, decision: "decline" }))).toBe("not_found");
  });

  it("declining removes the request so the person may ask again later", async () => {
    const m = await createMember(t.app, "Declined");
    await joinGroup(t.app, m, "private-group");
    await decideJoinRequest(t.app, mod, "private-group", { userId: m.id, decision: "decline" });
    const rows = await t.app.db.select().from(groupMemberships).where(and(eq(groupMemberships.groupId, "g-priv"), eq(groupMemberships.userId, m.id)));
    expect(rows).toHaveLength(0);
    expect((await joinGroup(t.app, m, "private-group")).status).toBe("pending");
  });

  it("only the group's moderators and its organization's staff review requests", async () => {
    const member = await createMember(t.app, "Plain");
    await joinGroup(t.app, member, "approval-group");
    expect(await code(decideJoinRequest(t.app, member, "approval-group", { userId: member.id, decision: "approve" }))).toBe("forbidden");
    // An admin of another organization learns nothing about org A's private group.
    expect(await code(decideJoinRequest(t.app, otherOrgAdmin, "private-group", { userId: member.id, decision: "approve" }))).toBe("not_found");
    expect(await code(decideJoinRequest(t.app, otherOrgAdmin, "approval-group", { userId: member.id, decision: "approve" }))).toBe("forbidden");
  });

  it("leaving removes the membership, withdrawing removes the request, and a ban can't be shed", async () => {
    const m = await createMember(t.app, "Leaver");
    await joinGroup(t.app, m, "open-group");
    expect((await leaveGroup(t.app, m, "open-group")).previous).toBe("active");
    expect(await code(leaveGroup(t.app, m, "open-group"))).toBe("forbidden");
    await joinGroup(t.app, m, "approval-group");
    expect((await leaveGroup(t.app, m, "approval-group")).previous).toBe("pending");

    await t.app.db.insert(groupMemberships).values({ groupId: "g-open", userId: m.id, status: "banned" });
    expect(await code(leaveGroup(t.app, m, "open-group"))).toBe("forbidden");
    expect(await code(joinGroup(t.app, m, "open-group"))).toBe("forbidden");
    const [still] = await t.app.db.select().from(groupMemberships).where(and(eq(groupMemberships.groupId, "g-open"), eq(groupMemberships.userId, m.id)));
    expect(still?.status).toBe("banned");
  });

  it("hides the member list from outsiders: 403 on a public group, 404 on a private one", async () => {
    const outsider = await createMember(t.app, "Outsider");
    expect(await code(listMembers(t.app, outsider, "open-group"))).toBe("forbidden");
    expect(await code(listMembers(t.app, null, "private-group"))).toBe("not_found");
    expect(await code(getGroupPage(t.app, null, "no-such-group"))).toBe("not_found");
  });

  it("pages through members by keyset without gaps or repeats", async () => {
    await t.app.db.insert(groups).values({ id: "g-big", slug: "big-group", name: "Big group", organizationId: "org-a" });
    const people = [];
    for (let i = 0; i < 53; i++) people.push(await createMember(t.app, `Big${String(i).padStart(2, "0")}`));
    await t.app.db.insert(groupMemberships).values(people.map((p) => ({ groupId: "g-big", userId: p.id, status: "active" as const })));
    const first = await listMembers(t.app, people[0]!, "big-group");
    expect(first.members).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const second = await listMembers(t.app, people[0]!, "big-group", { after: first.nextCursor });
    expect(second.members).toHaveLength(3);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.members, ...second.members].map((m) => m.userId);
    expect(new Set(ids).size).toBe(53);
    expect(ids.sort()).toEqual(people.map((p) => p.id).sort());
  });
});
