import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyForOrganization,
  createOrganizationGroup,
  editGroup,
  getOrganizationPage,
  listApplications,
  listHelplines,
  manageTeam,
  reviewApplication,
  setGroupModerator,
  setHelplines,
} from "#app/modules/organizations/organizations.server";
import { listQueue } from "#app/modules/moderation/queue.server";
import { groupMemberships, groups, moderationActions, users } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`organizations on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let founder: Member, admin: Member, helper: Member, member: Member, stranger: Member;
  let orgSlug: string;

  beforeAll(async () => {
    t = await createTestApp();
    [founder, admin, helper, member, stranger] = await Promise.all(["Founder", "Admin", "Helper", "Member", "Stranger"].map((n) => createMember(t.app, n)));
    await t.app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, admin.id));
    admin = { ...admin, siteRole: "admin" };
  });
  afterAll(() => t.close());

  it("an application is reviewed by a site admin; verifying creates a verified organization owned by the applicant", async () => {
    const input = { name: `Dystonia Friends ${Date.now()}`, website: "https://example.org", description: "A charity run by people with dystonia.", contact: "hello@example.org" };
    const { applicationId } = await applyForOrganization(t.app, founder, input);
    expect((await failure(applyForOrganization(t.app, founder, input))).code).toBe("conflict");
    expect((await failure(listApplications(t.app, founder))).code).toBe("forbidden");
    expect((await failure(reviewApplication(t.app, founder, { applicationId, intent: "verify", note: "" }))).code).toBe("forbidden");
    const { applications: pending } = await listApplications(t.app, admin);
    expect(pending[0]!.id).toBe(applicationId);
    const { organizationSlug } = await reviewApplication(t.app, admin, { applicationId, intent: "verify", note: "Welcome" });
    orgSlug = organizationSlug!;
    const page = await getOrganizationPage(t.app, founder, orgSlug);
    expect(page.organization.verified).toBe(true);
    expect(page.organization.orgRole).toBe("owner");
    expect((await failure(reviewApplication(t.app, admin, { applicationId, intent: "decline", note: "" }))).code).toBe("conflict");
  });

  it("owners manage the team by display name; the last owner stays; moderators can't manage", async () => {
    await manageTeam(t.app, founder, orgSlug, { intent: "add", displayName: helper.displayName.toUpperCase(), role: "moderator" });
    expect((await failure(manageTeam(t.app, founder, orgSlug, { intent: "add", displayName: helper.displayName, role: "admin" }))).code).toBe("conflict");
    expect((await failure(manageTeam(t.app, founder, orgSlug, { intent: "add", displayName: "Nobody by this name", role: "admin" }))).code).toBe("invalid");
    expect((await failure(manageTeam(t.app, helper, orgSlug, { intent: "add", displayName: stranger.displayName, role: "moderator" }))).code).toBe("forbidden");
    expect((await failure(manageTeam(t.app, founder, orgSlug, { intent: "remove", userId: founder.id }))).code).toBe("invalid");
    await manageTeam(t.app, founder, orgSlug, { intent: "role", userId: helper.id, role: "admin" });
    const { team } = await getOrganizationPage(t.app, founder, orgSlug);
    expect(team.find((m) => m.userId === helper.id)?.role).toBe("admin");
    await manageTeam(t.app, founder, orgSlug, { intent: "role", userId: helper.id, role: "moderator" });
    const log = await t.app.db.select({ action: moderationActions.action }).from(moderationActions).where(eq(moderationActions.subjectUserId, helper.id));
    expect(log.map((l) => l.action).sort()).toEqual(["organization.team.add", "organization.team.role", "organization.team.role"]);
  });

  it("creates and edits groups, appoints moderators from the members, and they get a queue", async () => {
    const { slug } = await createOrganizationGroup(t.app, founder, orgSlug, { name: `Carers ${Date.now()}`, description: "For carers", visibility: "public", joinPolicy: "open" });
    expect((await failure(createOrganizationGroup(t.app, helper, orgSlug, { name: "Nope group", description: "", visibility: "public", joinPolicy: "open" }))).code).toBe("forbidden");
    await editGroup(t.app, founder, slug, { name: "Carers and family", description: "Edited", visibility: "private", joinPolicy: "approval" });
    const [g] = await t.app.db.select().from(groups).where(eq(groups.slug, slug));
    expect(g!.visibility).toBe("private");
    expect((await failure(setGroupModerator(t.app, founder, slug, { userId: member.id, intent: "appoint" }))).code).toBe("invalid");
    await t.app.db.insert(groupMemberships).values({ groupId: g!.id, userId: member.id, status: "active" });
    expect((await failure(setGroupModerator(t.app, stranger, slug, { userId: member.id, intent: "appoint" }))).code).toBe("not_found");
    await setGroupModerator(t.app, founder, slug, { userId: member.id, intent: "appoint" });
    const { groups: mine } = await listQueue(t.app, member);
    expect(mine.map((x) => x.slug)).toContain(slug);
  });

  it("helplines appear on Get help now for verified organizations", async () => {
    expect((await failure(setHelplines(t.app, helper, orgSlug, "x"))).code).toBe("forbidden");
    await setHelplines(t.app, founder, orgSlug, "Call our support line: 0800 000 000");
    const list = await listHelplines(t.app);
    expect(list.find((o) => o.slug === orgSlug)?.helplines).toContain("0800");
  });
});
