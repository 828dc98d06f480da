import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationMembers, organizations, resources, resourceVersions, watchedWords } from "#db/schema/index";
import type { Viewer } from "#app/modules/auth/session.server";
import type { ResourceInput } from "#app/modules/library/library.schema";
import { createResource, getResource, updateResource } from "#app/modules/library/library.server";
import { countVersions, getHistory, restoreVersion } from "#app/modules/library/history.server";
import { assignReviewer } from "#app/modules/library/reviewer.server";
import { getLibraryUpkeep } from "#app/modules/library/upkeep.server";
import { diffBody } from "#app/modules/library/version-diff";
import { action as historyAction, loader as historyLoader } from "#app/routes/library.$resourceId.history";
import { action as editAction } from "#app/routes/library.$resourceId.edit";
import { action as upkeepAction, loader as upkeepLoader } from "#app/routes/organizations.$slug.library";
import { newId } from "#app/lib/ids.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { postFormTo } from "#tests/helpers/route-action";

type Member = Awaited<ReturnType<typeof createMember>>;
const DAY = 86_400_000;

const guide = (over: Partial<ResourceInput> = {}): ResourceInput => ({
  kind: "guide",
  organizationId: "org-v",
  groupId: "",
  category: "living",
  title: "Sleeping with dystonia",
  summary: "Tips for the night.",
  body: "# Sleep\n\nUse a firm pillow.\nKeep a routine.\n",
  url: undefined,
  tags: "sleep, pillows",
  ...over,
});

describe(`library versions, history, restore and reviewers on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, mod: Member, member: Member, otherStaff: Member;
  const ctx = (viewer: Viewer | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const versionsOf = (id: string) =>
    t.app.db
      .select({ version: resourceVersions.version, title: resourceVersions.title, body: resourceVersions.body, restoredFrom: resourceVersions.restoredFrom, editedBy: resourceVersions.editedBy })
      .from(resourceVersions)
      .where(eq(resourceVersions.resourceId, id))
      .orderBy(asc(resourceVersions.version));

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values([
      { id: "org-v", slug: "org-v", name: "Versions Org" },
      { id: "org-v2", slug: "org-v2", name: "Other Org" },
    ]);
    [owner, mod, member, otherStaff] = [await createMember(t.app, "VOwner"), await createMember(t.app, "VMod"), await createMember(t.app, "VReader"), await createMember(t.app, "VOther")];
    await t.app.db.insert(organizationMembers).values([
      { organizationId: "org-v", userId: owner.id, role: "owner" },
      { organizationId: "org-v", userId: mod.id, role: "moderator" },
      { organizationId: "org-v2", userId: otherStaff.id, role: "admin" },
    ]);
  });
  afterAll(() => t.close());

  it("keeps a version on create and on each edit (who, what); a save that changes nothing adds none", async () => {
    const { id } = await createResource(t.app, owner, guide());
    await updateResource(t.app, mod, id, guide({ body: "# Sleep\n\nUse a soft pillow.\nKeep a routine.\n" }));
    await updateResource(t.app, mod, id, guide({ body: "# Sleep\n\nUse a soft pillow.\nKeep a routine.\n" }));
    await updateResource(t.app, owner, id, guide({ title: "Sleeping well with dystonia", tags: "sleep" }));
    const v = await versionsOf(id);
    expect(v.map((x) => [x.version, x.editedBy, x.restoredFrom])).toEqual([
      [1, owner.id, null],
      [2, mod.id, null],
      [3, owner.id, null],
    ]);
    expect(v[1]!.body).toContain("soft pillow");
    expect(v[2]!.title).toBe("Sleeping well with dystonia");
    expect(await countVersions(t.app, id)).toBe(3);
  });

  it("a resource from before versions: its first edit keeps the old content as version 1", async () => {
    await t.app.db.insert(resources).values({ id: "legacy-guide", organizationId: "org-v", kind: "guide", category: "living", title: "Old guide", body: "Old text", createdBy: owner.id });
    expect(await countVersions(t.app, "legacy-guide")).toBe(1);
    expect((await getHistory(t.app, owner, "legacy-guide")).versions).toEqual([]);
    await updateResource(t.app, mod, "legacy-guide", guide({ title: "Old guide", body: "New text", summary: "", tags: "" }));
    const v = await versionsOf("legacy-guide");
    expect(v.map((x) => [x.version, x.body, x.editedBy])).toEqual([
      [1, "Old text", owner.id],
      [2, "New text", mod.id],
    ]);
  });

  it("concurrent edits get distinct, consecutive version numbers", async () => {
    const { id } = await createResource(t.app, owner, guide({ title: "Raced guide" }));
    await Promise.all(Array.from({ length: 6 }, (_, i) => updateResource(t.app, i % 2 ? owner : mod, id, guide({ title: "Raced guide", body: `Edit number ${i}` }))));
    const v = await versionsOf(id);
    expect(v.map((x) => x.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The last version is what the row holds now.
    const [row] = await t.app.db.select({ body: resources.body }).from(resources).where(eq(resources.id, id));
    expect(v.at(-1)!.body).toBe(row!.body);
  });

  it("diffs two versions: lines with word-level changes, title, summary and tags", async () => {
    const { id } = await createResource(t.app, owner, guide({ title: "Diffed guide" }));
    await updateResource(t.app, owner, id, guide({ title: "Diffed guide, revised", summary: "Tips for the night.", body: "# Sleep\n\nUse a soft pillow.\nKeep a routine.\nTry a warm bath.\n", tags: "sleep, baths" }));
    const h = await getHistory(t.app, owner, id);
    expect(h.compare).toEqual({ from: 1, to: 2, error: null });
    expect(h.diff!.title).toEqual([
      { kind: "same", text: "Diffed guide" },
      { kind: "added", text: ", revised" },
    ]);
    expect(h.diff!.summary).toEqual([{ kind: "same", text: "Tips for the night." }]);
    expect(h.diff!.tags).toEqual({ added: ["baths"], removed: ["pillows"], same: ["sleep"] });
    expect(h.diff!.body).toEqual([
      { kind: "same", text: "# Sleep" },
      { kind: "same", text: "" },
      { kind: "changed", pieces: [{ kind: "same", text: "Use a " }, { kind: "removed", text: "firm" }, { kind: "added", text: "soft" }, { kind: "same", text: " pillow." }] },
      { kind: "same", text: "Keep a routine." },
      { kind: "added", text: "Try a warm bath." },
    ]);
    // Reversed, and a version that does not exist is a message, not an error page.
    const back = await getHistory(t.app, owner, id, { from: 2, to: 1 });
    expect(back.diff!.tags).toEqual({ added: ["pillows"], removed: ["baths"], same: ["sleep"] });
    const missing = await getHistory(t.app, owner, id, { from: 1, to: 9 });
    expect(missing.diff).toBeNull();
    expect(missing.compare.error).toBe("There is no version 9. Choose one from the list.");
    // Long unchanged runs are folded to two lines of context.
    const long = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const folded = diffBody(long, long.replace("line 10", "line ten"));
    expect(folded.map((l) => l.kind)).toEqual(["skipped", "same", "same", "changed", "same", "same", "skipped"]);
    expect(folded[0]).toEqual({ kind: "skipped", count: 8 });
  });

  it("restore saves the old content as a new version (restored from), re-checks watched words, and never renews the review stamp", async () => {
    const { id } = await createResource(t.app, owner, guide({ title: "Restored guide" }));
    await updateResource(t.app, owner, id, guide({ title: "Restored guide", body: "Second text" }));
    const old = new Date(Date.now() - 400 * DAY);
    await t.app.db.update(resources).set({ reviewedAt: old, reviewedBy: owner.id }).where(eq(resources.id, id));
    // An edit does not renew it either.
    await updateResource(t.app, mod, id, guide({ title: "Restored guide", body: "Third text" }));
    await restoreVersion(t.app, mod, id, 1);
    const v = await versionsOf(id);
    expect(v.map((x) => [x.version, x.restoredFrom, x.editedBy])).toEqual([
      [1, null, owner.id],
      [2, null, owner.id],
      [3, null, mod.id],
      [4, 1, mod.id],
    ]);
    const r = await getResource(t.app, owner, id);
    expect(r.body).toBe(v[0]!.body);
    expect(r.reviewedAt).toEqual(old);
    expect(r.reviewDue).toBe(true);
    // The current version can't be restored onto itself; an unknown version is 404.
    await expect(restoreVersion(t.app, mod, id, 4)).rejects.toMatchObject({ code: "invalid" });
    await expect(restoreVersion(t.app, mod, id, 40)).rejects.toMatchObject({ code: "not_found" });
    // Words the organization blocks now keep an old version from coming back.
    await t.app.db.insert(watchedWords).values({ id: newId(), organizationId: "org-v", pattern: "secondtext", action: "block" });
    await updateResource(t.app, owner, id, guide({ title: "Restored guide", body: "Harmless" }));
    await t.app.db.update(resourceVersions).set({ body: "Second text secondtext" }).where(and(eq(resourceVersions.resourceId, id), eq(resourceVersions.version, 2)));
    await expect(restoreVersion(t.app, owner, id, 2)).rejects.toMatchObject({ code: "invalid" });
    expect((await versionsOf(id)).length).toBe(5);
  });

  it("history is for the organization's staff only: 404 through the loader and the action for readers, visitors and other staff", async () => {
    const { id } = await createResource(t.app, owner, guide({ title: "Private history" }));
    await updateResource(t.app, owner, id, guide({ title: "Private history", body: "Changed" }));
    const load = (viewer: Viewer | null) =>
      historyLoader({ request: new Request(`http://localhost/library/${id}/history?from=1&to=2`), context: ctx(viewer), params: { resourceId: id } } as never).then(
        (d) => d as unknown as Awaited<ReturnType<typeof historyLoader>>,
        (e: unknown) => e,
      );
    const ok = (await load(owner)) as { versions: unknown[]; diff: unknown };
    expect(ok.versions).toHaveLength(2);
    expect(ok.diff).not.toBeNull();
    for (const viewer of [member, otherStaff, null]) expect(((await load(viewer)) as Response).status).toBe(404);
    for (const viewer of [member, otherStaff]) {
      const answer = await postFormTo(t.app, historyAction as never, `http://localhost/library/${id}/history`, { resourceId: id }, { intent: "restore-version", version: "1" }, viewer);
      expect(answer.status).toBe(404);
    }
    const bad = await postFormTo(t.app, historyAction as never, `http://localhost/library/${id}/history`, { resourceId: id }, { intent: "restore-version", version: "one" }, owner);
    expect(bad.status).toBe(400);
    const done = await postFormTo(t.app, historyAction as never, `http://localhost/library/${id}/history`, { resourceId: id }, { intent: "restore-version", version: "1" }, owner);
    expect(done).toMatchObject({ status: 302, location: `/library/${id}/history?restored=1` });
    expect((await versionsOf(id)).map((v) => v.restoredFrom)).toEqual([null, null, 1]);
  });

  it("a reviewer must be on the organization's team (checked before anything is saved); assignReviewer is staff only", async () => {
    const { id } = await createResource(t.app, owner, guide({ title: "Reviewed guide" }));
    const edit = (viewer: Viewer, reviewerId: string, body: string) =>
      postFormTo(
        t.app,
        editAction as never,
        `http://localhost/library/${id}/edit`,
        { resourceId: id },
        { kind: "guide", organizationId: "org-v", category: "living", title: "Reviewed guide", body, tags: "", reviewerId },
        viewer,
      );
    const refused = await edit(owner, otherStaff.id, "Changed body");
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.data)).toContain("Choose someone on the organization's team");
    expect((await versionsOf(id)).length).toBe(1);
    expect(await edit(owner, mod.id, "Changed body")).toMatchObject({ status: 302 });
    const [row] = await t.app.db.select({ reviewerId: resources.reviewerId, body: resources.body }).from(resources).where(eq(resources.id, id));
    expect(row).toEqual({ reviewerId: mod.id, body: "Changed body" });
    // Leaving the select empty clears it.
    expect(await edit(owner, "", "Changed body")).toMatchObject({ status: 302 });
    expect((await t.app.db.select({ reviewerId: resources.reviewerId }).from(resources).where(eq(resources.id, id)))[0]!.reviewerId).toBeNull();
    await expect(assignReviewer(t.app, member, id, member.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(assignReviewer(t.app, otherStaff, id, otherStaff.id)).rejects.toMatchObject({ code: "forbidden" });
    await assignReviewer(t.app, owner, id, owner.id);
  });

  it("the upkeep page: overdue, due in 30 days, only mine; staff only; mark reviewed takes it off", async () => {
    const now = new Date("2031-01-10T12:00:00Z");
    t.app.clock = { now: () => now };
    const monthsAgo = (m: number, days = 0) => {
      const d = new Date(now);
      d.setUTCMonth(d.getUTCMonth() - m);
      return new Date(d.getTime() + days * DAY);
    };
    const base = { organizationId: "org-v", kind: "guide" as const, category: "living" as const, body: "x", createdAt: monthsAgo(30) };
    await t.app.db.insert(resources).values([
      { ...base, id: "up-over", title: "Overdue guide", reviewedAt: monthsAgo(13), reviewerId: mod.id },
      { ...base, id: "up-soon", title: "Soon guide", reviewedAt: monthsAgo(12, 20), reviewerId: owner.id },
      { ...base, id: "up-later", title: "Later guide", reviewedAt: monthsAgo(12, 40) },
      { ...base, id: "up-retired", title: "Retired guide", reviewedAt: monthsAgo(14), retiredAt: monthsAgo(1) },
      { ...base, id: "up-other", organizationId: "org-v2", title: "Other org guide", reviewedAt: monthsAgo(14) },
    ]);
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id).filter((i) => i.startsWith("up-"));
    const all = await getLibraryUpkeep(t.app, owner, "org-v", { onlyMine: false });
    expect(ids(all.overdue)).toEqual(["up-over"]);
    expect(all.overdue.find((r) => r.id === "up-over")!.reviewer).toEqual({ id: mod.id, name: mod.displayName, onTeam: true });
    expect(ids(all.dueSoon)).toEqual(["up-soon"]);
    expect(all.brokenLinks).toEqual([]);
    const mine = await getLibraryUpkeep(t.app, owner, "org-v", { onlyMine: true });
    expect([...ids(mine.overdue), ...ids(mine.dueSoon)]).toEqual(["up-soon"]);
    await expect(getLibraryUpkeep(t.app, member, "org-v", { onlyMine: false })).rejects.toMatchObject({ code: "forbidden" });
    await expect(getLibraryUpkeep(t.app, otherStaff, "org-v", { onlyMine: false })).rejects.toMatchObject({ code: "forbidden" });
    // Mark reviewed through the page's action: other staff and readers are refused, bad input is a 400, staff take it off the list.
    const post = (viewer: Viewer, fields: Record<string, string>) => postFormTo(t.app, upkeepAction as never, "http://localhost/organizations/org-v/library", { slug: "org-v" }, fields, viewer);
    expect((await post(otherStaff, { intent: "review", resourceId: "up-over" })).status).toBe(403);
    expect((await post(member, { intent: "review", resourceId: "up-over" })).status).toBe(403);
    expect((await post(mod, { intent: "review", resourceId: "../x" })).status).toBe(400);
    expect(await post(mod, { intent: "review", resourceId: "up-over" })).toMatchObject({ status: 200, data: { ok: true, message: "Marked reviewed today." } });
    const [stamped] = await t.app.db.select({ reviewedAt: resources.reviewedAt, reviewedBy: resources.reviewedBy }).from(resources).where(eq(resources.id, "up-over"));
    expect(stamped).toEqual({ reviewedAt: now, reviewedBy: mod.id });
    const page = (await upkeepLoader({ request: new Request("http://localhost/organizations/org-v/library?mine=1"), context: ctx(mod), params: { slug: "org-v" } } as never)) as unknown as Awaited<ReturnType<typeof getLibraryUpkeep>>;
    expect(page.onlyMine).toBe(true);
    expect([...ids(page.overdue), ...ids(page.dueSoon)]).toEqual([]);
    expect(ids((await getLibraryUpkeep(t.app, mod, "org-v", { onlyMine: false })).overdue)).toEqual([]);
  });
});
