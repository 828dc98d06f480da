import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consents, groupMemberships, groups, organizations, posts, threads, users } from "#db/schema/index";
import { legalVersions } from "#app/modules/accounts/legal.server";
import { createMember } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";

type Member = Awaited<ReturnType<typeof createMember>>;

const MB = "x".repeat(1024 * 1024);
const hostile = "'; drop table users; -- <script>alert(1)</script>";

/**
 * Identity (issue 12) through the real server: display-name rules and look-alikes at sign-up and
 * rename, consents recorded with their versions, the legal pages (and the admin's replacement), the
 * profile settings form, the member profile page's 404s and what it shows, and member-list listing.
 */
describe(`identity on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let dataDir: string;
  let sam: Member, viewer: Member, outsider: Member, moderator: Member;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-identity-"));
    s = await startAppServer({ DATA_DIR: dataDir });
    const db = s.app.db;
    [sam, viewer, outsider, moderator] = [
      await createMember(s.app, "Sam"),
      await createMember(s.app, "Viewer"),
      await createMember(s.app, "Outsider"),
      await createMember(s.app, "Moderator"),
    ];
    await db.update(users).set({ displayName: "Sam the moderator", bio: "Carer for my dad. <b>not bold</b>" }).where(eq(users.id, sam.id));
    await db.insert(organizations).values({ id: "org-i", slug: "org-i", name: "Org I" });
    await db.insert(groups).values([
      { id: "g-pub", slug: "identity-public", name: "Identity public", organizationId: "org-i" },
      { id: "g-priv", slug: "identity-private", name: "Identity private", organizationId: "org-i", visibility: "private" },
    ]);
    await db.insert(groupMemberships).values([
      { groupId: "g-pub", userId: sam.id },
      { groupId: "g-priv", userId: sam.id },
      { groupId: "g-pub", userId: viewer.id },
      { groupId: "g-pub", userId: moderator.id, role: "moderator" },
    ]);
    await db.insert(threads).values([
      { id: "t-pub", groupId: "g-pub", authorId: sam.id, title: "Public thread" },
      { id: "t-priv", groupId: "g-priv", authorId: sam.id, title: "Secret thread" },
    ]);
    await db.insert(posts).values([
      { id: "p-pub", threadId: "t-pub", authorId: sam.id, isOpening: true, body: "Hello from the public group" },
      { id: "p-priv", threadId: "t-priv", authorId: sam.id, isOpening: true, body: "Private group words" },
    ]);
  });
  afterAll(async () => {
    await s?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (pathname: string, who?: Member) => fetch(s.url + pathname, { headers: who ? { cookie: s.cookie(who.token) } : {}, redirect: "manual" });
  const json = async (r: Response) => (await r.json()) as { status?: string; error?: Record<string, string[] | null>; saved?: string; message?: string };
  const errorsOf = async (r: Response) => (await json(r)).error ?? {};
  const userCount = async () => (await s.app.db.select({ id: users.id }).from(users)).length;

  describe("sign-up", () => {
    let n = 0;
    const signUp = (fields: Record<string, string>) => {
      n += 1;
      return s.postForm("/signup?_data=routes%2Fsignup", {
        email: `identity-${n}@example.test`,
        password: "a long passphrase",
        displayName: `Newcomer ${n}`,
        consentTerms: "on",
        consentHealthData: "on",
        ...fields,
      });
    };

    const lookAlikes: [string, string][] = [
      ["Cyrillic а", "S\u0430m the moderator"],
      ["Greek ο", "Sam the m\u03bfderator"],
      ["rn for m", "Sarn the rnoderator"],
      ["upper case", "SAM THE MODERATOR"],
      ["fullwidth letters", "\uff33\uff41\uff4d the moderator"],
      // Deleted accounts are renamed "Former member <digits>": nobody may pass for one.
      ["the reserved name of deleted accounts", "Former member 123456"],
      ["a look-alike of the reserved name", "F\u043ermer rnember"],
    ];
    for (const [label, displayName] of lookAlikes) {
      it(`refuses a look-alike of a taken name (${label}) inline, creating no account`, async () => {
        const before = await userCount();
        const r = await signUp({ displayName });
        expect(r.status).toBe(409);
        expect((await errorsOf(r)).displayName?.join(" ")).toMatch(/already uses this display name/);
        expect(await userCount()).toBe(before);
      });
    }

    const badNames: [string, string, RegExp][] = [
      ["an empty name", "", /Choose a display name/],
      ["a 1 MB name", MB, /at most 32/],
      ["a hostile name", hostile, /Use letters, numbers/],
      ["a right-to-left override", "Sam\u202eretaredom", /invisible or text-direction/],
      ["an isolate pair", "Sam \u2068the\u2069 moderator", /invisible or text-direction/],
      ["a zero-width space", "Sam\u200bthe moderator", /invisible or text-direction/],
      ["a control character", "Sam\u0007", /invisible or text-direction/],
    ];
    for (const [label, displayName, message] of badNames) {
      it(`refuses ${label} with a clear message, creating no account`, async () => {
        const before = await userCount();
        const r = await signUp({ displayName });
        expect(r.status).toBe(400);
        expect((await errorsOf(r)).displayName?.join(" ")).toMatch(message);
        expect(await userCount()).toBe(before);
      });
    }

    it("requires both consents, each with its own message, and stores nothing without them", async () => {
      const before = await userCount();
      for (const missing of ["consentTerms", "consentHealthData"] as const) {
        const r = await signUp({ [missing]: "" });
        expect(r.status).toBe(400);
        const errors = await errorsOf(r);
        expect(errors[missing]?.join(" ")).toMatch(missing === "consentTerms" ? /terms, the privacy notice and the guidelines/ : /health-related data/);
        expect(Object.keys(errors).filter((k) => errors[k]?.length)).toEqual([missing]);
      }
      const r = await signUp({ consentTerms: "yes please", consentHealthData: hostile });
      expect(r.status).toBe(400);
      expect(await userCount()).toBe(before);
    });

    it("records each consent with the time and the version of the text in force", async () => {
      const started = Date.now();
      const email = "consenting@example.test";
      const r = await signUp({ email, displayName: "Consenting Adult" });
      expect(r.status).toBe(204);
      const [user] = await s.app.db.select({ id: users.id, skeleton: users.displayNameSkeleton }).from(users).where(eq(users.email, email));
      expect(user?.skeleton).toBe("consenting adult".replace(/m/g, "rn"));
      const rows = await s.app.db.select().from(consents).where(eq(consents.userId, user!.id));
      const versions = await legalVersions(s.app);
      const byKind = Object.fromEntries(rows.map((c) => [c.kind, c]));
      expect(Object.keys(byKind).sort()).toEqual(["guidelines", "health_data", "privacy", "terms"]);
      expect(byKind.terms!.version).toBe(versions.terms);
      expect(byKind.privacy!.version).toBe(versions.privacy);
      expect(byKind.guidelines!.version).toBe(versions.guidelines);
      expect(byKind.health_data!.version).toMatch(/^[0-9a-f]{12}$/);
      for (const c of rows) expect(c.givenAt.getTime()).toBeGreaterThanOrEqual(started - 1000);
    });
  });

  describe("legal pages", () => {
    it("shows the defaults to visitors with their date and version, linked from the footer and the sign-up form", async () => {
      const versions = await legalVersions(s.app);
      for (const name of ["privacy", "terms", "guidelines"] as const) {
        const r = await get(`/${name}`);
        expect(r.status).toBe(200);
        const html = await r.text();
        expect(html).toContain(versions[name]);
        expect(html).toMatch(/Last updated: (<!-- -->)?1 December 2026/);
        expect(html).toContain(`href="/${name}"`);
      }
      const signup = await (await get("/signup")).text();
      for (const name of ["privacy", "terms", "guidelines"]) expect(signup).toContain(`href="/${name}"`);
      expect(signup).toContain("health-related data");
    });

    it("uses the site admin's DATA_DIR/legal/<name>.md instead, as text (no raw HTML), with a new version", async () => {
      const before = (await legalVersions(s.app)).terms;
      fs.mkdirSync(path.join(dataDir, "legal"), { recursive: true });
      fs.writeFileSync(path.join(dataDir, "legal", "terms.md"), "Last updated: 2 January 2027\n\n# Our own terms\n\nBe nice. <script>alert(1)</script>\n");
      try {
        const html = await (await get("/terms")).text();
        const after = (await legalVersions(s.app)).terms;
        expect(after).not.toBe(before);
        expect(html).toContain(after);
        expect(html).toContain("Our own terms");
        expect(html).toContain("2 January 2027");
        expect(html).not.toContain("<script>alert(1)");
      } finally {
        fs.rmSync(path.join(dataDir, "legal"), { recursive: true, force: true });
      }
    });
  });

  describe("/settings/profile", () => {
    const save = (who: Member, fields: Record<string, string>) =>
      s.postForm("/settings/profile?_data=routes%2Fsettings.profile", { displayName: who.displayName, bio: "", profileVisibility: "members", listedInMembers: "on", ...fields }, { cookie: s.cookie(who.token) });
    const row = async (who: Member) => (await s.app.db.select().from(users).where(eq(users.id, who.id)))[0]!;

    it("sends visitors to sign in", async () => {
      expect((await get("/settings/profile")).headers.get("location")).toMatch(/^\/signin\?redirectTo=%2Fsettings%2Fprofile/);
      expect((await s.postForm("/settings/profile", { displayName: "Intruder" })).status).toBe(302);
    });

    it("saves bio, visibility and listing", async () => {
      const r = await save(outsider, { bio: "Line one\nLine two 🙂", profileVisibility: "nobody", listedInMembers: "" });
      expect(r.status).toBe(200);
      expect((await json(r)).saved).toBe("Saved.");
      const u = await row(outsider);
      expect([u.bio, u.profileVisibility, u.listedInMembers]).toEqual(["Line one\nLine two 🙂", "nobody", false]);
      await save(outsider, {});
    });

    const bad: [string, Record<string, string>, string, RegExp, number][] = [
      ["a 501-character bio", { bio: "é".repeat(501) }, "bio", /500 characters/, 400],
      ["a 1 MB bio", { bio: MB }, "bio", /500 characters/, 400],
      ["a bio with a bidi override", { bio: "I am \u202eSam" }, "bio", /text-direction/, 400],
      ["an unknown visibility", { profileVisibility: "everyone" }, "profileVisibility", /Choose who can see/, 400],
      ["a missing visibility", { profileVisibility: "" }, "profileVisibility", /Choose who can see/, 400],
      ["an empty display name", { displayName: "" }, "displayName", /Choose a display name/, 400],
      ["a two-letter display name", { displayName: "Vi" }, "displayName", /at least 3/, 400],
      ["a bidi display name", { displayName: "Viewer\u202e" }, "displayName", /invisible or text-direction/, 400],
      ["a look-alike of Sam's name", { displayName: "S\u0430m the rnoderator" }, "displayName", /already uses this display name/, 409],
    ];
    for (const [label, fields, field, message, status] of bad) {
      it(`refuses ${label} inline and stores nothing`, async () => {
        const before = await row(viewer);
        const r = await save(viewer, { bio: "kept?", ...fields });
        expect(r.status).toBe(status);
        expect((await errorsOf(r))[field]?.join(" ")).toMatch(message);
        expect(await row(viewer)).toEqual(before);
      });
    }

    it("limits renames to 3 in 30 days, counted in the database", async () => {
      const who = await createMember(s.app, "Renamer");
      for (const name of ["Renamer One", "Renamer Two", "Renamer Three"]) {
        const r = await save(who, { displayName: name });
        expect(r.status).toBe(200);
        expect((await row(who)).displayName).toBe(name);
      }
      expect((await row(who)).displayNameSkeleton).toBe("renarner three");
      const limited = await save(who, { displayName: "Renamer Four", bio: "still saved?" });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
      expect((await errorsOf(limited)).displayName?.join(" ")).toMatch(/changed your display name 3 times/);
      expect((await row(who)).displayName).toBe("Renamer Three");
      // Other fields still save while the name stays: the limit is about names only.
      expect((await save({ ...who, displayName: "Renamer Three" }, { bio: "new bio" })).status).toBe(200);
      // The limit reads the stored times (not a process's memory): once they are 31 days old, renaming works again.
      const old = new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString();
      await s.app.db.update(users).set({ displayNameChanges: [old, old, old] }).where(eq(users.id, who.id));
      expect((await save({ ...who, displayName: "Renamer Three" }, { displayName: "Renamer Four" })).status).toBe(200);
      expect((await row(who)).displayNameChanges).toHaveLength(1);
    });
  });

  describe("member profile page", () => {
    it("is a 404 for visitors, for members who share no group, and for a malformed id", async () => {
      expect((await get(`/members/${sam.id}`)).status).toBe(404);
      expect((await get(`/members/${sam.id}`, outsider)).status).toBe(404);
      expect((await get(`/members/${encodeURIComponent(hostile)}`, viewer)).status).toBe(404);
      expect((await get(`/members/nobody-has-this-id`, viewer)).status).toBe(404);
    });

    it("shows a member who shares a group the pseudonym, bio (as text), shared groups and readable posts, never e-mail or private content", async () => {
      const r = await get(`/members/${sam.id}`, viewer);
      expect(r.status).toBe(200);
      const html = await r.text();
      expect(html).toContain("Sam the moderator");
      expect(html).toContain("Carer for my dad. &lt;b&gt;not bold&lt;/b&gt;");
      expect(html).toContain("Identity public");
      expect(html).toContain("Hello from the public group");
      expect(html).not.toContain("Identity private");
      expect(html).not.toContain("Secret thread");
      expect(html).not.toContain("Private group words");
      expect(html).not.toContain(sam.email);
    });

    it("links a post's and a thread's author to their profile only where it would open", async () => {
      const hrefs = async (who?: Member) => {
        const r = await get("/groups/identity-public/forum/t-pub?_data=routes%2Fgroups.%24slug.forum.%24threadId", who);
        expect(r.status).toBe(200);
        // Each author is sent once (authors); a post points at its author there.
        const data = (await r.json()) as { authors: { href?: string }[]; posts: { author: number }[] };
        return data.posts.map((p) => data.authors[p.author]?.href ?? null);
      };
      expect(await hrefs(viewer)).toEqual([`/members/${sam.id}`]);
      // A visitor and a signed-in outsider can read the public thread, but the profile wouldn't open for them.
      expect(await hrefs()).toEqual([null]);
      expect(await hrefs(outsider)).toEqual([null]);
      // The forum's thread list links the thread's author the same way.
      const list = async (who?: Member) =>
        ((await (await get("/groups/identity-public/forum?_data=routes%2Fgroups.%24slug.forum._index", who)).json()) as { threads: { authorHref: string | null }[] }).threads.map((t) => t.authorHref);
      expect(await list(viewer)).toEqual([`/members/${sam.id}`]);
      expect(await list()).toEqual([null]);
    });

    it("honours 'nobody': a 404 for everyone else, the page for the member themself", async () => {
      await s.app.db.update(users).set({ profileVisibility: "nobody" }).where(eq(users.id, sam.id));
      try {
        expect((await get(`/members/${sam.id}`, viewer)).status).toBe(404);
        expect((await get(`/members/${sam.id}`, moderator)).status).toBe(404);
        const own = await get(`/members/${sam.id}`, sam);
        expect(own.status).toBe(200);
        expect(await own.text()).toContain("Nobody else can see it.");
      } finally {
        await s.app.db.update(users).set({ profileVisibility: "members" }).where(eq(users.id, sam.id));
      }
    });
  });

  describe("group member lists", () => {
    const names = async (who: Member) => {
      const r = await get("/groups/identity-public/members?_data=routes%2Fgroups.%24slug.members", who);
      expect(r.status).toBe(200);
      return ((await r.json()) as { members: { userId: string; profile: boolean }[] }).members;
    };

    it("leave out members who chose not to be listed, except for the group's moderators and themselves", async () => {
      await s.app.db.update(users).set({ listedInMembers: false }).where(eq(users.id, sam.id));
      try {
        expect((await names(viewer)).map((m) => m.userId)).not.toContain(sam.id);
        expect((await names(moderator)).map((m) => m.userId)).toContain(sam.id);
        expect((await names(sam)).map((m) => m.userId)).toContain(sam.id);
      } finally {
        await s.app.db.update(users).set({ listedInMembers: true }).where(eq(users.id, sam.id));
      }
      const listed = await names(viewer);
      expect(listed.find((m) => m.userId === sam.id)?.profile).toBe(true);
    });
  });

  it("keeps look-alike checks working for rows written without a skeleton (lazy backfill)", async () => {
    const old = await createMember(s.app, "Legacy");
    await s.app.db.update(users).set({ displayName: "Robin Hood", displayNameSkeleton: null }).where(eq(users.id, old.id));
    const r = await s.postForm("/signup?_data=routes%2Fsignup", { email: "robin-lookalike@example.test", password: "a long passphrase", displayName: "R\u043ebin H\u043e\u043ed", consentTerms: "on", consentHealthData: "on" });
    expect(r.status).toBe(409);
    const [row] = await s.app.db.select({ skeleton: users.displayNameSkeleton }).from(users).where(inArray(users.id, [old.id]));
    expect(row?.skeleton).toBe("robin hood");
  });
});
