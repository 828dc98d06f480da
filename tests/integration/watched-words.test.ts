import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "#app/modules/accounts/accounts.server";
import { updateProfile } from "#app/modules/accounts/profile.server";
import { createEvent, updateEvent } from "#app/modules/events/events.server";
import type { EventInput } from "#app/modules/events/events.schema";
import { createResource } from "#app/modules/library/library.server";
import type { ResourceInput } from "#app/modules/library/library.schema";
import {
  addWatchedWord,
  exportWatchedCsv,
  importWatchedCsv,
  listWatchedWords,
  parseCsv,
  removeWatchedWord,
  testSample,
  watchedMatches,
  type WatchedScope,
} from "#app/modules/safety/watched.server";
import { WATCHED_CSV_MAX_BYTES } from "#app/modules/safety/watched.schema";
import { moderationActions, organizationMembers, organizations, reports, users, watchedWords } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

const ORG: WatchedScope = { organizationSlug: "ww-org" };
const SITE: WatchedScope = { site: true };
const csvFile = (text: string) => ({ text, bytes: Buffer.byteLength(text) });

describe(`watched words on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, orgAdmin: Member, orgMod: Member, otherAdmin: Member, member: Member, siteAdmin: Member;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values([
      { id: "ww-org", slug: "ww-org", name: "Watch Org", verifiedAt: new Date() },
      { id: "ww-other", slug: "ww-other", name: "Other Org", verifiedAt: new Date() },
    ]);
    [owner, orgAdmin, orgMod, otherAdmin, member, siteAdmin] = await Promise.all(["Owner", "OrgAdmin", "OrgMod", "OtherAdmin", "Member", "SiteAdmin"].map((n) => createMember(t.app, n)));
    await t.app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, siteAdmin.id));
    siteAdmin = { ...siteAdmin, siteRole: "admin" };
    await t.app.db.insert(organizationMembers).values([
      { organizationId: "ww-org", userId: owner.id, role: "owner" },
      { organizationId: "ww-org", userId: orgAdmin.id, role: "admin" },
      { organizationId: "ww-org", userId: orgMod.id, role: "moderator" },
      { organizationId: "ww-other", userId: otherAdmin.id, role: "admin" },
    ]);
  });
  afterAll(() => t.close());

  it("adds, lists, changes and removes words, each audited; the stored pattern is normalised", async () => {
    await addWatchedWord(t.app, orgAdmin, ORG, { pattern: "miracle cure", action: "hold" });
    await addWatchedWord(t.app, owner, ORG, { pattern: "cur*", action: "flag" });
    const again = await failure(addWatchedWord(t.app, owner, ORG, { pattern: "miracle cure", action: "hold" }));
    expect(again.code).toBe("invalid");
    expect(again.fieldErrors?.pattern?.[0]).toContain("already on the list");
    expect((await addWatchedWord(t.app, owner, ORG, { pattern: "cur*", action: "block" })).changed).toBe(true);
    const { words } = await listWatchedWords(t.app, owner, ORG);
    expect(words.map((w) => [w.pattern, w.action])).toEqual([
      ["cur*", "block"],
      ["miracle cure", "hold"],
    ]);
    const cur = words.find((w) => w.pattern === "cur*")!;
    await removeWatchedWord(t.app, owner, ORG, cur.id);
    expect((await failure(removeWatchedWord(t.app, owner, ORG, cur.id))).code).toBe("not_found");
    const audit = await t.app.db.select({ action: moderationActions.action, details: moderationActions.details }).from(moderationActions).where(eq(moderationActions.targetId, "ww-org"));
    expect(audit.map((a) => a.action).sort()).toEqual(["watched.add", "watched.add", "watched.add", "watched.remove"]);
    expect(audit.find((a) => a.action === "watched.remove")!.details).toMatchObject({ organization: "ww-org", pattern: "cur*", action: "block" });
  });

  it("policy: another organization's admin and outsiders get 404, the organization's moderator and site lists refuse", async () => {
    for (const who of [otherAdmin, member]) {
      expect((await failure(listWatchedWords(t.app, who, ORG))).code).toBe("not_found");
      expect((await failure(addWatchedWord(t.app, who, ORG, { pattern: "spam", action: "block" }))).code).toBe("not_found");
      expect((await failure(importWatchedCsv(t.app, who, ORG, csvFile("pattern,action\nspam,block\n")))).code).toBe("not_found");
      expect((await failure(exportWatchedCsv(t.app, who, ORG))).code).toBe("not_found");
      expect((await failure(testSample(t.app, who, ORG, "spam"))).code).toBe("not_found");
    }
    expect((await failure(listWatchedWords(t.app, orgMod, ORG))).code).toBe("forbidden");
    expect((await failure(addWatchedWord(t.app, orgMod, ORG, { pattern: "spam", action: "block" }))).code).toBe("forbidden");
    expect((await failure(listWatchedWords(t.app, null, ORG))).code).toBe("unauthenticated");
    expect((await failure(listWatchedWords(t.app, orgAdmin, { organizationSlug: "nope" }))).code).toBe("not_found");
    for (const who of [owner, orgAdmin, orgMod, member]) expect((await failure(listWatchedWords(t.app, who, SITE))).code).toBe("not_found");
    // Another organization's admin can't remove this organization's word by its id from their own page either.
    const [word] = await t.app.db.select({ id: watchedWords.id }).from(watchedWords).where(eq(watchedWords.organizationId, "ww-org"));
    expect((await failure(removeWatchedWord(t.app, otherAdmin, { organizationSlug: "ww-other" }, word!.id))).code).toBe("not_found");
    expect((await failure(removeWatchedWord(t.app, siteAdmin, SITE, word!.id))).code).toBe("not_found");
    expect(await t.app.db.select().from(watchedWords).where(eq(watchedWords.id, word!.id))).toHaveLength(1);
  });

  it("matches the organization's words and the site's, strongest action first; another organization's words never apply", async () => {
    await addWatchedWord(t.app, siteAdmin, SITE, { pattern: "casino", action: "block" });
    await addWatchedWord(t.app, siteAdmin, SITE, { pattern: "miracle cure", action: "flag" });
    await addWatchedWord(t.app, otherAdmin, { organizationSlug: "ww-other" }, { pattern: "stretch*", action: "block" });
    expect(await watchedMatches(t.app.db, "ww-org", ["Buy a MIRACLE  Curé!", "stretching at the casino"])).toEqual({ block: ["casino"], hold: ["miracle cure"], flag: [] });
    expect(await watchedMatches(t.app.db, null, ["a miracle cure"])).toEqual({ block: [], hold: [], flag: ["miracle cure"] });
    expect(await watchedMatches(t.app.db, "ww-other", ["stretching"])).toEqual({ block: ["stretch*"], hold: [], flag: [] });
    expect(await watchedMatches(t.app.db, "ww-org", ["secure casinos"])).toEqual({ block: [], hold: [], flag: [] });
    const sample = await testSample(t.app, orgAdmin, ORG, "A miracle cure at the casino");
    expect(sample.map((s) => s.summary)).toEqual(["would block: 'casino'", "would hold: 'miracle cure'"]);
    expect(sample.map((s) => s.source)).toEqual(["site", "organization"]);
  });

  it("imports a CSV all or nothing: merged duplicates, changed actions, per-line errors and nothing stored on any error", async () => {
    const good = '\uFEFFpattern,action\r\n"Herbal  Remedy",flag\r\nherbal remedy,hold\r\nmiracle cure,block\r\n\r\n"quote ""x""",block\n';
    const refused = await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile(good)));
    expect(refused.code).toBe("invalid");
    expect(refused.fieldErrors?.file).toEqual(['Line 6: Only letters, digits, spaces and * are allowed (""" isn\'t).']);
    const before = await listWatchedWords(t.app, orgAdmin, ORG);

    const fixed = good.replace('"quote ""x""",block\n', "bad*,Hold for review\n");
    const result = await importWatchedCsv(t.app, orgAdmin, ORG, csvFile(fixed));
    expect(result).toEqual({ added: 2, changed: 1, unchanged: 0, merged: 1 });
    const after = await listWatchedWords(t.app, orgAdmin, ORG);
    expect(after.words.map((w) => [w.pattern, w.action])).toEqual([
      ["bad*", "hold"],
      ["herbal remedy", "hold"],
      ["miracle cure", "block"],
    ]);
    expect(before.words).toHaveLength(1);
    const [audit] = await t.app.db.select({ details: moderationActions.details }).from(moderationActions).where(eq(moderationActions.action, "watched.import"));
    expect(audit!.details).toMatchObject({ added: 2, changed: 1, merged: 1 });

    const mixed = "pattern,action\nfine,flag\n(a+)+$,block\nok,delete\n*,flag\nx,y,z\n\"never closed,flag\n";
    const many = await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile(mixed)));
    expect(many.message).toBe("Nothing was imported: one line needs fixing.");
    expect(many.fieldErrors?.file?.[0]).toContain("Line 7: a quoted cell is never closed");
    const lines = await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile(mixed.replace('"never closed,flag\n', ""))));
    expect(lines.fieldErrors?.file).toEqual([
      'Line 3: Only letters, digits, spaces and * are allowed ("(" isn\'t).',
      "Line 4: the action must be block, hold or flag.",
      "Line 5: A * needs at least one letter or digit beside it in the same word.",
      "Line 6: expected 2 cells (pattern,action), found 3.",
    ]);
    expect((await listWatchedWords(t.app, orgAdmin, ORG)).words).toHaveLength(3);
  });

  it("refuses hostile and huge files: no header, too many rows, too many bytes, more than the list holds", async () => {
    expect((await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile("word,what\ncure,block\n")))).fieldErrors?.file?.[0]).toContain('header "pattern,action"');
    expect((await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile("")))).code).toBe("invalid");
    expect((await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile("pattern,action\n")))).fieldErrors?.file?.[0]).toContain("no words");
    const rows = Array.from({ length: 2001 }, (_, i) => `word${i},flag`).join("\n");
    expect((await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile(`pattern,action\n${rows}\n`)))).fieldErrors?.file?.[0]).toContain("more than 2,000 words");
    const huge = await failure(importWatchedCsv(t.app, orgAdmin, ORG, { text: "pattern,action\n", bytes: WATCHED_CSV_MAX_BYTES + 1 }));
    expect(huge.code).toBe("too_large");
    // A file full of one unclosed quote costs one pass, and says where it starts.
    const quote = await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile(`pattern,action\n"${"a,".repeat(100_000)}`)));
    expect(quote.fieldErrors?.file?.[0]).toBe("Line 2: a quoted cell is never closed.");
    // 1,999 more fit in no list that already has 3.
    const full = Array.from({ length: 1999 }, (_, i) => `fill${i},flag`).join("\n");
    const over = await failure(importWatchedCsv(t.app, orgAdmin, ORG, csvFile(`pattern,action\n${full}\n`)));
    expect(over.fieldErrors?.file?.[0]).toContain("more than 2,000 words");
    expect((await listWatchedWords(t.app, orgAdmin, ORG)).words).toHaveLength(3);
  });

  it("exports the list as CSV, formula-safe, and the export imports back unchanged", async () => {
    const { csv } = await exportWatchedCsv(t.app, orgAdmin, ORG);
    expect(csv).toBe("pattern,action\r\nbad*,hold\r\nherbal remedy,hold\r\nmiracle cure,block\r\n");
    expect(await importWatchedCsv(t.app, orgAdmin, ORG, csvFile(csv))).toEqual({ added: 0, changed: 0, unchanged: 3, merged: 0 });
    // A stored pattern can never start a formula, but the export goes through the formula-safe cells anyway.
    await t.app.db.insert(watchedWords).values({ id: "ww-formula", organizationId: "ww-org", pattern: "=HYPERLINK(x)", action: "flag" });
    expect((await exportWatchedCsv(t.app, orgAdmin, ORG)).csv).toContain("\r\n'=HYPERLINK(x),flag\r\n");
    expect(await watchedMatches(t.app.db, "ww-org", ["=HYPERLINK(x)"])).toEqual({ block: [], hold: [], flag: [] });
    await t.app.db.delete(watchedWords).where(eq(watchedWords.id, "ww-formula"));
    expect(parseCsv('a,"b\nc"\r\nd,e', 10).records).toEqual([
      { line: 1, cells: ["a", "b\nc"] },
      { line: 3, cells: ["d", "e"] },
    ]);
  });

  it("event and resource text with a block or hold word is refused, naming the word in its field", async () => {
    const startsAt = new Date(Date.now() + 7 * 86_400_000);
    const event: EventInput = {
      organizationId: "ww-org",
      groupId: null,
      title: "Herbal remedy evening",
      description: "Gentle stretches.",
      timeZone: "Europe/Berlin",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      format: "in_person",
      location: "Room 4",
      onlineUrl: null,
      capacity: null,
      registrationDeadline: null,
    };
    const refused = await failure(createEvent(t.app, owner, event));
    expect(refused.code).toBe("invalid");
    expect(refused.fieldErrors).toEqual({ title: ["'herbal remedy' isn't allowed here; please rephrase."] });
    const siteBlock = await failure(createEvent(t.app, owner, { ...event, title: "Evening", description: "Then to the CASINO." }));
    expect(siteBlock.fieldErrors).toEqual({ description: ["'casino' isn't allowed here; please rephrase."] });
    const { id } = await createEvent(t.app, owner, { ...event, title: "Stretching evening" });
    expect((await failure(updateEvent(t.app, owner, id, { ...event, title: "Stretching", description: "A miracle cure, a bad idea" }))).fieldErrors).toEqual({
      description: ["'miracle cure', 'bad*' aren't allowed here; please rephrase."],
    });

    const resource: ResourceInput = { kind: "guide", organizationId: "ww-org", groupId: "", category: "understanding", title: "A guide", summary: "Useful.", body: "Try this herbal remedy", url: "", tags: "" };
    expect((await failure(createResource(t.app, owner, resource))).fieldErrors).toEqual({ body: ["'herbal remedy' isn't allowed here; please rephrase."] });
    expect((await failure(createResource(t.app, owner, { ...resource, body: "", summary: "Casino" }))).fieldErrors).toEqual({ summary: ["'casino' isn't allowed here; please rephrase."] });
    expect((await createResource(t.app, owner, { ...resource, body: "Fine words." })).id).toBeTruthy();
  });

  it("display names: a block or hold word refuses sign-up and renaming; a flag word files one automatic report for the site admins", async () => {
    await addWatchedWord(t.app, siteAdmin, SITE, { pattern: "official*", action: "hold" });
    await addWatchedWord(t.app, siteAdmin, SITE, { pattern: "doctor", action: "flag" });
    const refused = await failure(signUp(t.app, { email: "casino@example.test", password: "a long passphrase", displayName: "Casino King", consentTerms: true, consentHealthData: true }, "1.1.1.1"));
    expect(refused.fieldErrors).toEqual({ displayName: ["'casino' isn't allowed here; please rephrase."] });
    expect(await t.app.db.select().from(users).where(eq(users.email, "casino@example.test"))).toHaveLength(0);

    await signUp(t.app, { email: "doc@example.test", password: "a long passphrase", displayName: "Doctor Dee", consentTerms: true, consentHealthData: true }, "1.1.1.1");
    const [doc] = await t.app.db.select({ id: users.id }).from(users).where(eq(users.email, "doc@example.test"));
    const autoReports = () => t.app.db.select().from(reports).where(and(eq(reports.targetType, "user"), isNull(reports.reporterId)));
    expect((await autoReports()).map((r) => ({ targetId: r.targetId, reason: r.reason, groupId: r.groupId, details: r.details, status: r.status }))).toEqual([
      { targetId: doc!.id, reason: "watched_word", groupId: null, details: "Display name matched watched words: 'doctor'", status: "open" },
    ]);

    const profile = { displayName: "Officially Me", bio: "", profileVisibility: "members" as const, listedInMembers: false };
    expect((await failure(updateProfile(t.app, member, profile))).fieldErrors).toEqual({ displayName: ["'official*' isn't allowed here; please rephrase."] });
    await updateProfile(t.app, member, { ...profile, displayName: "The Doctor" });
    await updateProfile(t.app, member, { ...profile, displayName: "The Doctor" });
    await updateProfile(t.app, member, { ...profile, displayName: "Doctor Who" });
    const mine = (await autoReports()).filter((r) => r.targetId === member.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.details).toContain("'doctor'");
  });
});
