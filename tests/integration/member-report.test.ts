import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listQueue } from "#app/modules/moderation/queue.server";
import { action as moderationAction } from "#app/routes/moderation";
import { action as membersAction, loader as membersLoader } from "#app/routes/groups.$slug.members";
import { groupMemberships, groups, moderationActions, organizations, reports } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

/** Reporting a member from a group's member list, through the real route action. */
describe(`reporting a member on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let mod: Member, alice: Member, bob: Member, outsider: Member;

  beforeAll(async () => {
    t = await createTestApp();
    [mod, alice, bob, outsider] = [await createMember(t.app, "Mod"), await createMember(t.app, "Alice"), await createMember(t.app, "Bob"), await createMember(t.app, "Outsider")];
    await t.app.db.insert(organizations).values({ id: "org-r", slug: "org-r", name: "Org R" });
    await t.app.db.insert(groups).values([
      { id: "g-pub", slug: "pub", name: "Public group", organizationId: "org-r" },
      { id: "g-priv", slug: "priv", name: "Private group", organizationId: "org-r", visibility: "private", joinPolicy: "approval" },
    ]);
    for (const g of ["g-pub", "g-priv"]) {
      await t.app.db.insert(groupMemberships).values([
        { groupId: g, userId: mod.id, role: "moderator" },
        { groupId: g, userId: alice.id },
        { groupId: g, userId: bob.id },
      ]);
    }
  });
  afterAll(() => t.close());

  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  async function post(slug: string, fields: Record<string, string>, viewer: Member | null) {
    const request = new Request(`http://localhost/groups/${slug}/members`, {
      method: "POST",
      body: new URLSearchParams(fields).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    try {
      const response = (await membersAction({ request, context: ctx(viewer), params: { slug } })) as Response;
      return { status: response.status, data: (await response.json()) as { ok: boolean; message: string; fieldErrors?: Record<string, string[]> } };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, data: null, location: thrown.headers.get("Location") };
      throw thrown;
    }
  }
  const reportsAbout = (userId: string) => t.app.db.select().from(reports).where(and(eq(reports.targetType, "user"), eq(reports.targetId, userId)));

  it("offers Report… on everyone but yourself", async () => {
    const request = new Request("http://localhost/groups/pub/members");
    const data = (await membersLoader({ request, context: ctx(alice), params: { slug: "pub" } })) as unknown as { members: { userId: string; canReport: boolean }[] };
    const flags = Object.fromEntries(data.members.map((m) => [m.userId, m.canReport]));
    expect(flags).toEqual({ [mod.id]: true, [alice.id]: false, [bob.id]: true });
  });

  it("files a report on the person under the group, which reaches the group's moderation queue", async () => {
    const res = await post("pub", { userId: bob.id, reason: "harassment", details: "Rude in chat." }, alice);
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ ok: true });
    const rows = await reportsAbout(bob.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ groupId: "g-pub", reporterId: alice.id, reason: "harassment", details: "Rude in chat." });
    const queue = await listQueue(t.app, mod);
    expect(JSON.stringify(queue)).toContain(bob.id);
  });

  it("answers a duplicate with a clear conflict and stores nothing more", async () => {
    const res = await post("pub", { userId: bob.id, reason: "spam" }, alice);
    expect(res.status).toBe(409);
    expect(res.data?.message).toMatch(/already reported/);
    expect(await reportsAbout(bob.id)).toHaveLength(1);
  });

  it("refuses reporting yourself, a missing reason and a non-member with clear errors", async () => {
    const self = await post("pub", { userId: alice.id, reason: "spam" }, alice);
    expect(self.status).toBe(403);
    expect(self.data?.message).toMatch(/can't report/);
    const noReason = await post("pub", { userId: mod.id }, alice);
    expect(noReason.status).toBe(400);
    expect(noReason.data?.fieldErrors?.reason).toEqual(["Choose a reason."]);
    const notMember = await post("pub", { userId: outsider.id, reason: "spam" }, alice);
    expect(notMember.status).toBe(404);
    expect(await reportsAbout(alice.id)).toHaveLength(0);
    expect(await reportsAbout(outsider.id)).toHaveLength(0);
  });

  it("answers 404 to an outsider for a private group, and sends a visitor to sign in", async () => {
    expect((await post("priv", { userId: bob.id, reason: "spam" }, outsider)).status).toBe(404);
    const visitor = await post("priv", { userId: bob.id, reason: "spam" }, null);
    expect(visitor.status).toBe(302);
    expect(visitor.location).toMatch(/^\/signin/);
    const outsiderOnPublic = await post("pub", { userId: bob.id, reason: "spam" }, outsider);
    expect(outsiderOnPublic.status).toBe(403);
    expect((await reportsAbout(bob.id)).filter((r) => r.groupId === "g-priv")).toHaveLength(0);
  });
});

/**
 * One person reported in a group of organization A and in a group of organization B: two reports,
 * two queue items, and each group's moderators decide only their own, audited under their group.
 */
describe(`member reports across organizations on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let modA: Member, modB: Member, alice: Member, bob: Member;

  beforeAll(async () => {
    t = await createTestApp();
    [modA, modB, alice, bob] = [await createMember(t.app, "ModA"), await createMember(t.app, "ModB"), await createMember(t.app, "Alice"), await createMember(t.app, "Bob")];
    await t.app.db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A" },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await t.app.db.insert(groups).values([
      { id: "g-a", slug: "ga", name: "Group A", organizationId: "org-a" },
      { id: "g-b", slug: "gb", name: "Group B", organizationId: "org-b" },
    ]);
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-a", userId: modA.id, role: "moderator" },
      { groupId: "g-b", userId: modB.id, role: "moderator" },
      ...["g-a", "g-b"].flatMap((g) => [{ groupId: g, userId: alice.id }, { groupId: g, userId: bob.id }]),
    ]);
  });
  afterAll(() => t.close());

  const ctx = (viewer: Member) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  async function post(route: typeof membersAction | typeof moderationAction, url: string, fields: Record<string, string>, viewer: Member, params: Record<string, string> = {}) {
    const request = new Request(url, { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    const response = (await route({ request, context: ctx(viewer), params })) as Response;
    return { status: response.status, data: (await response.json()) as { ok: boolean; message: string; key?: string } };
  }
  const reportRows = () => t.app.db.select().from(reports).where(and(eq(reports.targetType, "user"), eq(reports.targetId, bob.id)));
  const statusIn = async (groupId: string) => (await reportRows()).find((r) => r.groupId === groupId)?.status;

  it("files one report in each group, even by the same reporter", async () => {
    expect((await post(membersAction, "http://localhost/groups/ga/members", { userId: bob.id, reason: "harassment" }, alice, { slug: "ga" })).status).toBe(200);
    const second = await post(membersAction, "http://localhost/groups/gb/members", { userId: bob.id, reason: "harassment" }, alice, { slug: "gb" });
    expect(second.status).toBe(200);
    expect((await reportRows()).map((r) => r.groupId).sort()).toEqual(["g-a", "g-b"]);
  });

  it("shows each group's moderator their own item only, keyed by the group", async () => {
    const a = await listQueue(t.app, modA);
    const b = await listQueue(t.app, modB);
    expect(a.queue.filter((q) => q.targetId === bob.id).map((q) => q.group?.id)).toEqual(["g-a"]);
    expect(b.queue.filter((q) => q.targetId === bob.id).map((q) => q.group?.id)).toEqual(["g-b"]);
    expect(a.queue[0]!.key).not.toBe(b.queue[0]!.key);
  });

  it("lets B's moderator decide B's item, closing B's report only and auditing it under B's group", async () => {
    const item = (await listQueue(t.app, modB)).queue.find((q) => q.targetId === bob.id)!;
    const res = await post(moderationAction, "http://localhost/moderation", { targetType: item.targetType, targetId: item.targetId, groupId: item.group!.id, intent: "warn", reason: "Please be kind here." }, modB);
    expect(res).toMatchObject({ status: 200, data: { ok: true, key: item.key } });
    expect(await statusIn("g-b")).toBe("actioned");
    expect(await statusIn("g-a")).toBe("open");
    const audit = await t.app.db.select().from(moderationActions).where(eq(moderationActions.subjectUserId, bob.id));
    expect(audit.map((r) => [r.action, r.groupId])).toEqual([["user.warn", "g-b"]]);
    expect((await listQueue(t.app, modA)).queue.some((q) => q.targetId === bob.id)).toBe(true);
  });

  it("refuses B's moderator on A's item, changing nothing", async () => {
    const res = await post(moderationAction, "http://localhost/moderation", { targetType: "user", targetId: bob.id, groupId: "g-a", intent: "dismiss", reason: "" }, modB);
    expect(res.data.ok).toBe(false);
    expect([403, 404]).toContain(res.status);
    expect(await statusIn("g-a")).toBe("open");
  });

  it("lets A's moderator dismiss A's item without touching B's decided report", async () => {
    const res = await post(moderationAction, "http://localhost/moderation", { targetType: "user", targetId: bob.id, groupId: "g-a", intent: "dismiss", reason: "" }, modA);
    expect(res).toMatchObject({ status: 200, data: { ok: true } });
    expect(await statusIn("g-a")).toBe("dismissed");
    expect(await statusIn("g-b")).toBe("actioned");
    const dismissal = await t.app.db.select().from(moderationActions).where(eq(moderationActions.action, "report.dismiss"));
    expect(dismissal.map((r) => [r.groupId, r.details])).toEqual([["g-a", { reports: 1 }]]);
  });
});
