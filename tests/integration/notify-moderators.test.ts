import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupMemberships, groups, notifications, organizationMembers, organizations, users } from "#db/schema/index";
import { fanoutJob } from "#app/modules/notifications/fanout.server";
import { decideJoinRequest, joinGroup, reportMember } from "#app/modules/groups/groups.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startInbox, type Inbox } from "#tests/helpers/mail";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * Moderators hear about new reports and join requests, requesters hear the decision: each through the
 * fan-out job, checked against the policy when the job runs.
 */
describe(`notices for moderators and requesters on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let inbox: Inbox;
  let mod: Member, formerMod: Member, staff: Member, alice: Member, bob: Member, carol: Member, dan: Member;
  let fanouts = 0;

  beforeAll(async () => {
    inbox = await startInbox();
    t = await createTestApp({ SMTP_URL: inbox.url });
    [mod, formerMod, staff, alice, bob, carol, dan] = await Promise.all(
      ["Mod", "Former", "Staff", "Alice", "Bob", "Carol", "Dan"].map((n) => createMember(t.app, n)),
    );
    await t.app.db.insert(organizations).values({ id: "org-n", slug: "org-n", name: "Org N" });
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-n", userId: staff.id, role: "moderator" });
    await t.app.db.insert(groups).values([
      { id: "g-n", slug: "n-group", name: "Neck group", organizationId: "org-n" },
      { id: "g-p", slug: "p-group", name: "Quiet circle", organizationId: "org-n", visibility: "private", joinPolicy: "approval" },
    ]);
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-n", userId: mod.id, role: "moderator" },
      { groupId: "g-n", userId: formerMod.id, role: "moderator" },
      { groupId: "g-n", userId: alice.id },
      { groupId: "g-n", userId: bob.id },
      { groupId: "g-p", userId: mod.id, role: "moderator" },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await inbox?.close();
  });

  const noticesOf = (userId: string, kind: string) =>
    t.app.db.select().from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.kind, kind)));
  const fannedOut = async (n = 1) => {
    fanouts += n;
    await t.app.jobs.waitFor("notifications.fanout", fanouts);
  };

  it("tells the group's moderators and the organization's staff about a report, never naming the reporter; not someone who stood down before the job ran", async () => {
    // Jobs not started yet: the report is queued, then a moderator stands down, then the job runs.
    await reportMember(t.app, alice, "n-group", bob.id, { reason: "harassment", details: "Rude to me." });
    await t.app.db.update(groupMemberships).set({ role: "member" }).where(and(eq(groupMemberships.groupId, "g-n"), eq(groupMemberships.userId, formerMod.id)));
    await t.app.jobs.start(t.app);
    await fannedOut();
    for (const who of [mod, staff]) {
      const [n, ...more] = await noticesOf(who.id, "report");
      expect(more).toEqual([]);
      expect(n).toMatchObject({ groupId: "g-n", urgent: false, link: `/moderation#user-${bob.id}-g-n-title` });
      expect(n!.title).toBe("New report in Neck group: Harassment or unkindness");
      expect(n!.title + n!.body).not.toContain(alice.displayName);
    }
    expect(await noticesOf(formerMod.id, "report")).toEqual([]);
    expect(await noticesOf(alice.id, "report")).toEqual([]);
    expect(await noticesOf(bob.id, "report")).toEqual([]);
  });

  it("makes a crisis report urgent: in-app and e-mailed at once, even to staff who turned reports off and are in quiet hours", async () => {
    await t.app.db
      .update(users)
      .set({ notificationSettings: { channels: { report: "off" }, quietHours: { from: "00:00", to: "23:59" }, timeZone: "UTC" } })
      .where(eq(users.id, staff.id));
    await reportMember(t.app, bob, "n-group", alice.id, { reason: "crisis", details: "" });
    await fannedOut();
    const [n] = (await noticesOf(staff.id, "report")).filter((r) => r.urgent);
    expect(n).toMatchObject({ urgent: true, title: "Urgent: a crisis report in Neck group", link: `/moderation#user-${alice.id}-g-n-title` });
    expect(n!.emailDueAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const mail = await inbox.next(staff.email);
    expect(mail.subject).toMatch(/urgent/i);
    expect(mail.text + mail.subject).not.toContain(bob.displayName);
    expect(await noticesOf(bob.id, "report")).toEqual([]);
  });

  it("tells the moderators about a join request, and the requester the decision without showing a private group to someone declined", async () => {
    await joinGroup(t.app, carol, "p-group");
    await joinGroup(t.app, dan, "p-group");
    await fannedOut(2);
    const requests = await noticesOf(mod.id, "join_request");
    expect(requests.map((r) => r.title).sort()).toEqual([`${carol.displayName} asked to join Quiet circle`, `${dan.displayName} asked to join Quiet circle`]);
    expect(requests.every((r) => r.link === "/groups/p-group#requests-title")).toBe(true);
    // Staff may review too (organization moderators moderate its groups); members of another group don't hear.
    expect(await noticesOf(staff.id, "join_request")).toHaveLength(2);
    expect(await noticesOf(alice.id, "join_request")).toEqual([]);

    await decideJoinRequest(t.app, mod, "p-group", { userId: carol.id, decision: "approve" });
    await decideJoinRequest(t.app, mod, "p-group", { userId: dan.id, decision: "decline" });
    await fannedOut(2);
    const [accepted] = await noticesOf(carol.id, "join_decided");
    expect(accepted).toMatchObject({ title: "You're in: your request to join Quiet circle was accepted", link: "/groups/p-group", groupId: "g-p" });
    const [declined] = await noticesOf(dan.id, "join_decided");
    expect(declined).toMatchObject({ title: "Your request to join Quiet circle was declined", link: "/groups", groupId: null, body: "" });
    expect(await noticesOf(mod.id, "join_decided")).toEqual([]);
  });

  it("tells nobody about a request withdrawn before the job ran", async () => {
    const before = (await noticesOf(mod.id, "join_request")).length;
    const erin = await createMember(t.app, "Erin");
    await t.app.db.insert(groupMemberships).values({ groupId: "g-p", userId: erin.id, status: "pending" });
    await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, "g-p"), eq(groupMemberships.userId, erin.id)));
    // What the queued job does when it runs after the withdrawal.
    await fanoutJob.run(t.app, { source: "groups.join-request", data: { groupId: "g-p", userId: erin.id } });
    expect(await noticesOf(mod.id, "join_request")).toHaveLength(before);
  });
});
