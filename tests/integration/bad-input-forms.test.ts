import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as moderationAction } from "#app/routes/moderation";
import { action as applyAction } from "#app/routes/organizations.apply";
import { groupMemberships, groups, moderationActions, organizationApplications, organizations, reports } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;
type Result = { status: number; data: Record<string, unknown> | null; location: string | null };

const MB = "x".repeat(1024 * 1024);
const hostile = "'; drop table reports; -- <script>alert(1)</script>";

/**
 * Bad input through the real route actions of the organization application form and the moderation
 * queue's decision form: empty, 1 MB, malformed and hostile values get a 4xx with a clear message,
 * and nothing is stored.
 */
describe(`application and moderation decision bad input on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let mod: Member, member: Member;

  beforeAll(async () => {
    t = await createTestApp();
    [mod, member] = [await createMember(t.app, "Mod"), await createMember(t.app, "Member")];
    await t.app.db.insert(organizations).values({ id: "org-x", slug: "org-x", name: "Org X" });
    await t.app.db.insert(groups).values({ id: "g-x", slug: "gx", name: "Group X", organizationId: "org-x" });
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-x", userId: mod.id, role: "moderator" },
      { groupId: "g-x", userId: member.id },
    ]);
    await t.app.db.insert(reports).values({ id: "rep-1", targetType: "user", targetId: member.id, groupId: "g-x", reporterId: mod.id, reason: "spam", details: "" });
  });
  afterAll(() => t.close());

  async function post(handler: (args: ActionFunctionArgs) => Promise<Response>, url: string, fields: Record<string, string>, viewer: Member | null, contentType = "application/x-www-form-urlencoded"): Promise<Result> {
    const body = contentType.startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(fields).toString() : JSON.stringify(fields);
    const request = new Request(url, { method: "POST", body, headers: { "Content-Type": contentType } });
    const context = { app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
    try {
      const response = await handler({ request, context, params: {} } as unknown as ActionFunctionArgs);
      const data = response.headers.get("Content-Type")?.includes("json") ? ((await response.json()) as Record<string, unknown>) : null;
      return { status: response.status, data, location: response.headers.get("Location") };
    } catch (thrown) {
      if (thrown instanceof Response) {
        const data = thrown.headers.get("Content-Type")?.includes("json") ? ((await thrown.json()) as Record<string, unknown>) : null;
        return { status: thrown.status, data, location: thrown.headers.get("Location") };
      }
      throw thrown;
    }
  }

  describe("/organizations/apply", () => {
    const valid = { name: "Dystonia Friends", website: "https://friends.example", description: "A patient organization for people with dystonia.", contact: "hello@friends.example" };
    const apply = (fields: Record<string, string>, viewer: Member | null = member, type?: string) => post(applyAction, "http://localhost/organizations/apply", fields, viewer, type);
    const count = async () => (await t.app.db.select({ id: organizationApplications.id }).from(organizationApplications)).length;

    const cases: [string, Record<string, string>, string, RegExp][] = [
      ["an empty name", { name: "" }, "name", /name/],
      ["a 1 MB name", { name: MB }, "name", /at most 100/],
      ["a 1 MB description", { description: MB }, "description", /at most 2,000/],
      ["a 1 MB contact", { contact: MB }, "contact", /at most 300/],
      ["an empty website", { website: "" }, "website", /website|https:\/\//],
      ["a javascript: website", { website: "javascript:alert(1)" }, "website", /https:\/\//],
      ["a data: website", { website: "data:text/html,<script>alert(1)</script>" }, "website", /https:\/\//],
      ["a website that is not an address", { website: hostile }, "website", /https:\/\//],
      // The same strict link schema as events and the library (#31): new URL() would escape these silently.
      ['a website with a "', { website: 'https://friends.example/"onmouseover="alert(1)' }, "website", /https:\/\//],
      ["a website with < and >", { website: "https://friends.example/<script>alert(1)</script>" }, "website", /https:\/\//],
      ["a website with credentials", { website: "https://user:secret@friends.example/" }, "website", /user name and password/],
      ["a 1 MB website", { website: `https://friends.example/${"a".repeat(1_000_000)}` }, "website", /at most 500/],
      ["a too-short description", { description: "help" }, "description", /at least 20/],
    ];
    for (const [name, override, field, message] of cases) {
      it(`refuses ${name} with an inline error on ${field}, storing nothing`, async () => {
        const before = await count();
        const r = await apply({ ...valid, ...override });
        expect(r.status).toBe(400);
        const errors = (r.data?.error ?? {}) as Record<string, string[] | null>;
        expect(errors[field]?.join(" ")).toMatch(message);
        expect(await count()).toBe(before);
      });
    }

    it("refuses an entirely empty form with an error on every field", async () => {
      const r = await apply({});
      expect(r.status).toBe(400);
      expect(Object.keys((r.data?.error ?? {}) as object).sort()).toEqual(["contact", "description", "name", "website"]);
      expect(await count()).toBe(0);
    });

    it("answers JSON with 415 and a visitor with a sign-in redirect", async () => {
      expect((await apply(valid, member, "application/json")).status).toBe(415);
      const visitor = await apply(valid, null);
      expect(visitor.status).toBe(302);
      expect(visitor.location).toMatch(/^\/signin/);
      expect(await count()).toBe(0);
    });

    it("(control) stores a valid application, with hostile text kept as plain text", async () => {
      const r = await apply({ ...valid, name: "<b>Friends</b>", contact: hostile });
      expect(r.status).toBe(200);
      expect(await count()).toBe(1);
    });
  });

  describe("the moderation decision action", () => {
    const decide = (fields: Record<string, string>, viewer: Member | null = mod, type?: string) => post(moderationAction, "http://localhost/moderation", fields, viewer, type);
    const snapshot = async () => JSON.stringify([await t.app.db.select().from(reports), await t.app.db.select().from(moderationActions)]);
    const target = () => ({ targetType: "user", targetId: member.id, groupId: "g-x" });

    const cases: [string, () => Record<string, string>, number, string | null, RegExp][] = [
      ["an empty form", () => ({}), 400, "intent", /Choose a decision/],
      ["an unknown decision", () => ({ ...target(), intent: "delete-everything", reason: "Because." }), 400, null, /check the form/],
      ["a warning without a reason", () => ({ ...target(), intent: "warn", reason: "" }), 400, "reason", /at least 3/],
      ["a 1 MB reason", () => ({ ...target(), intent: "warn", reason: MB }), 400, "reason", /at most 500/],
      ["a 1 MB dismissal note", () => ({ ...target(), intent: "dismiss", reason: MB }), 400, "reason", /at most 500/],
      ["a made-up target type", () => ({ targetType: "database", targetId: member.id, intent: "warn", reason: "Be kind." }), 400, "targetType", /Not a reported item/],
      ["a hostile target id", () => ({ targetType: "user", targetId: hostile, intent: "warn", reason: "Be kind." }), 400, "targetId", /Not a valid item/],
      ["a mute of abc minutes", () => ({ ...target(), intent: "mute", reason: "Cool off.", minutes: "abc" }), 400, "minutes", /how long/],
      ["a mute of 61 minutes", () => ({ ...target(), intent: "mute", reason: "Cool off.", minutes: "61" }), 400, "minutes", /how long/],
      ["a mute of 10^12 minutes", () => ({ ...target(), intent: "mute", reason: "Cool off.", minutes: "1000000000000" }), 400, "minutes", /how long/],
      ["a decision on content with no report", () => ({ targetType: "user", targetId: "no-such-user", groupId: "g-x", intent: "warn", reason: "Be kind." }), 404, null, /./],
      ["a decision with no group", () => ({ targetType: "user", targetId: member.id, intent: "warn", reason: "Be kind." }), 400, "groupId", /missing/],
      ["a hostile group id", () => ({ ...target(), groupId: hostile, intent: "warn", reason: "Be kind." }), 400, "groupId", /Not a valid item/],
      ["a decision on the right person under another group", () => ({ ...target(), groupId: "g-none", intent: "warn", reason: "Be kind." }), 404, null, /./],
      ["an appeal decision with a hostile id", () => ({ intent: "uphold", appealId: hostile, note: "Upheld." }), 400, "appealId", /Not a valid item/],
    ];
    for (const [name, fields, status, field, message] of cases) {
      it(`refuses ${name} (${status}), changing nothing`, async () => {
        const before = await snapshot();
        const r = await decide(fields());
        expect(r.status).toBe(status);
        expect(r.data?.ok).toBe(false);
        if (field) expect(((r.data?.fieldErrors ?? {}) as Record<string, string[]>)[field]?.join(" ")).toMatch(message);
        else expect(String(r.data?.message)).toMatch(message);
        expect(await snapshot()).toBe(before);
      });
    }

    it("refuses a plain member (403) and JSON (415), changing nothing", async () => {
      const before = await snapshot();
      const r = await decide({ ...target(), intent: "warn", reason: "Be kind." }, member);
      expect(r.status).toBeGreaterThanOrEqual(403);
      expect(r.status).toBeLessThan(405);
      expect((await decide({ ...target(), intent: "warn", reason: "Be kind." }, mod, "application/json")).status).toBe(415);
      expect(await snapshot()).toBe(before);
    });

    it("(control) a valid decision by the moderator is applied", async () => {
      const before = await snapshot();
      const r = await decide({ ...target(), intent: "dismiss", reason: "" });
      expect(r.status).toBe(200);
      expect(r.data?.ok).toBe(true);
      expect(await snapshot()).not.toBe(before);
    });
  });
});
