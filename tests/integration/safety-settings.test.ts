import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSafetySettings, saveSafetySettings } from "#app/modules/organizations/safety-settings.server";
import { action as safetyAction, loader as safetyLoader } from "#app/routes/organizations.$slug.safety";
import { moderationActions, organizationMembers, organizations, users } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`organization safety settings on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, orgAdmin: Member, orgMod: Member, outsider: Member, otherOwner: Member, siteAdmin: Member;
  const slug = `safe-${Date.now().toString(36)}`;
  const otherSlug = `other-${Date.now().toString(36)}`;

  beforeAll(async () => {
    t = await createTestApp();
    [owner, orgAdmin, orgMod, outsider, otherOwner, siteAdmin] = await Promise.all(
      ["Owner", "OrgAdmin", "OrgMod", "Outsider", "OtherOwner", "SiteAdmin"].map((n) => createMember(t.app, n)),
    );
    await t.app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, siteAdmin.id));
    siteAdmin = { ...siteAdmin, siteRole: "admin" };
    await t.app.db.insert(organizations).values([
      { id: `o-${slug}`, slug, name: "Safe Org" },
      { id: `o-${otherSlug}`, slug: otherSlug, name: "Other Org" },
    ]);
    await t.app.db.insert(organizationMembers).values([
      { organizationId: `o-${slug}`, userId: owner.id, role: "owner" },
      { organizationId: `o-${slug}`, userId: orgAdmin.id, role: "admin" },
      { organizationId: `o-${slug}`, userId: orgMod.id, role: "moderator" },
      { organizationId: `o-${otherSlug}`, userId: otherOwner.id, role: "owner" },
    ]);
  });
  afterAll(() => t.close());

  const stored = async () =>
    (await t.app.db.select({ n: organizations.newMemberHolds, k: organizations.autoHideReports }).from(organizations).where(eq(organizations.slug, slug)))[0]!;

  it("shows the defaults (review off, hide at 3) and saves a change with an audit row", async () => {
    expect((await getSafetySettings(t.app, owner, slug)).settings).toEqual({ newMemberHolds: 0, autoHideReports: 3 });
    await saveSafetySettings(t.app, orgAdmin, slug, { newMemberHolds: 2, autoHideReports: 5 });
    expect(await stored()).toEqual({ n: 2, k: 5 });
    const [audit] = await t.app.db
      .select()
      .from(moderationActions)
      .where(and(eq(moderationActions.action, "safety.settings"), eq(moderationActions.targetId, `o-${slug}`)));
    expect(audit?.actorId).toBe(orgAdmin.id);
    expect(audit?.details).toEqual({ before: { newMemberHolds: 0, autoHideReports: 3 }, after: { newMemberHolds: 2, autoHideReports: 5 } });
    // Site admins may change it too.
    await saveSafetySettings(t.app, siteAdmin, slug, { newMemberHolds: 0, autoHideReports: 3 });
    expect(await stored()).toEqual({ n: 0, k: 3 });
  });

  it("refuses moderators, outsiders and another organization's owner; unknown organizations are 404", async () => {
    for (const who of [orgMod, outsider, otherOwner]) {
      expect((await failure(saveSafetySettings(t.app, who, slug, { newMemberHolds: 5, autoHideReports: 1 }))).code).toBe("forbidden");
      expect((await failure(getSafetySettings(t.app, who, slug))).code).toBe("forbidden");
    }
    expect((await failure(saveSafetySettings(t.app, owner, "no-such-org", { newMemberHolds: 1, autoHideReports: 3 }))).code).toBe("not_found");
    expect((await failure(saveSafetySettings(t.app, null, slug, { newMemberHolds: 1, autoHideReports: 3 }))).code).toBe("unauthenticated");
    expect(await stored()).toEqual({ n: 0, k: 3 });
  });

  it("the page's action: out-of-range, fractional, missing and hostile values are field errors, nothing stored", async () => {
    const post = async (viewer: Member, fields: Record<string, string>) => {
      const request = new Request(`http://localhost/organizations/${slug}/safety`, {
        method: "POST",
        body: new URLSearchParams(fields).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      const context = { app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
      const response = (await safetyAction({ request, context, params: { slug } })) as Response;
      return { status: response.status, data: (await response.json()) as { ok: boolean; message: string; fieldErrors?: Record<string, string[]> } };
    };
    const bad: [Record<string, string>, string][] = [
      [{ newMemberHolds: "6", autoHideReports: "3" }, "newMemberHolds"],
      [{ newMemberHolds: "-1", autoHideReports: "3" }, "newMemberHolds"],
      [{ newMemberHolds: "1.5", autoHideReports: "3" }, "newMemberHolds"],
      [{ newMemberHolds: "", autoHideReports: "3" }, "newMemberHolds"],
      [{ newMemberHolds: "1", autoHideReports: "0" }, "autoHideReports"],
      [{ newMemberHolds: "1", autoHideReports: "51" }, "autoHideReports"],
      [{ newMemberHolds: "1", autoHideReports: "1e9" }, "autoHideReports"],
      [{ newMemberHolds: "1", autoHideReports: "three" }, "autoHideReports"],
      [{ newMemberHolds: "1" }, "autoHideReports"],
    ];
    for (const [fields, field] of bad) {
      const r = await post(owner, fields);
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(r.data.fieldErrors?.[field]?.[0], JSON.stringify(fields)).toMatch(/whole number/);
    }
    expect(await stored()).toEqual({ n: 0, k: 3 });
    expect((await post(orgMod, { newMemberHolds: "1", autoHideReports: "3" })).status).toBe(403);
    const ok = await post(owner, { newMemberHolds: "1", autoHideReports: "4" });
    expect(ok.status).toBe(200);
    expect(ok.data.message).toMatch(/first post of new members/);
    expect(await stored()).toEqual({ n: 1, k: 4 });

    const loaded = (await safetyLoader({
      request: new Request(`http://localhost/organizations/${slug}/safety`),
      context: { app: t.app, viewer: owner, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false },
      params: { slug },
    })) as { settings: { newMemberHolds: number; autoHideReports: number } };
    expect(loaded.settings).toEqual({ newMemberHolds: 1, autoHideReports: 4 });
  });
});
