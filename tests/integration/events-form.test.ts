import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMarkdown } from "#app/lib/markdown.server";
import { getEvent } from "#app/modules/events/events.server";
import { loader as eventPageLoader } from "#app/routes/events.$eventId._index/route";
import { action as newEventAction } from "#app/routes/events.new";
import { events, organizationMembers, organizations, groups } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { xssPayloads } from "#tests/helpers/xss-corpus";

type Member = Awaited<ReturnType<typeof createMember>>;

const valid: Record<string, string> = {
  organizationId: "org-a",
  groupId: "",
  title: "Valid event",
  description: "",
  timeZone: "Europe/Berlin",
  startsAt: "2030-06-01T18:00",
  endsAt: "2030-06-01T20:00",
  format: "online",
  location: "",
  onlineUrl: "https://meet.example/room",
  capacity: "",
  registrationDeadline: "",
};

/**
 * The event form's bad-input corpus, through the real route action: missing, oversize, malformed and
 * hostile values each get a 400 (or 403) with an inline error on the right field, and nothing is stored.
 */
describe(`event form bad input on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member;
  let outsider: Member;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A" },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await t.app.db.insert(groups).values({ id: "g-b", slug: "g-b", name: "B's group", organizationId: "org-b" });
    owner = await createMember(t.app, "Owner");
    outsider = await createMember(t.app, "Outsider");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-a", userId: owner.id, role: "admin" });
  });
  afterAll(() => t.close());

  async function post(fields: Record<string, string>, viewer: Member | null = owner, contentType = "application/x-www-form-urlencoded") {
    const body = contentType.startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(fields).toString() : JSON.stringify(fields);
    const request = new Request("http://localhost/events/new", { method: "POST", body, headers: { "Content-Type": contentType } });
    const context = { app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
    try {
      const response = (await newEventAction({ request, context, params: {} })) as Response;
      const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
      return { status: response.status, location: response.headers.get("Location"), data: data as { error?: Record<string, string[] | null> } | null };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get("Location"), data: null };
      throw thrown;
    }
  }

  const count = async () => (await t.app.db.select({ id: events.id }).from(events)).length;

  const cases: [string, Record<string, string>, string, RegExp][] = [
    ["no title", { title: "" }, "title", /title/],
    ["a title of 10,000 characters", { title: "x".repeat(10_000) }, "title", /at most 160/],
    ["a title with CR/LF", { title: "Coffee morning\r\nATTENDEE:mailto:x@example.org" }, "title", /one line/],
    ["a title with a line separator", { title: "Coffee\u2028morning" }, "title", /one line/],
    ["an address with a line break", { format: "in_person", location: "Town hall\nDTSTART:19700101T000000Z" }, "location", /one line/],
    ["a description of 50,000 characters", { description: "y".repeat(50_000) }, "description", /at most 10,000/],
    ["capacity 0", { capacity: "0" }, "capacity", /at least 1/],
    ["capacity −5", { capacity: "-5" }, "capacity", /at least 1/],
    ["capacity 1.5", { capacity: "1.5" }, "capacity", /whole number/],
    ["capacity abc", { capacity: "abc" }, "capacity", /whole number/],
    ["capacity 10^12", { capacity: "1000000000000" }, "capacity", /At most/],
    ["a javascript: link", { onlineUrl: "javascript:alert(1)" }, "onlineUrl", /https:\/\//],
    ["a data: link", { onlineUrl: "data:text/html,<script>alert(1)</script>" }, "onlineUrl", /https:\/\//],
    ["an ftp link", { onlineUrl: "ftp://files.example/x" }, "onlineUrl", /https:\/\//],
    ["a link with a password", { onlineUrl: "https://user:pw@meet.example/" }, "onlineUrl", /password/],
    ["not a link at all", { onlineUrl: "meet me at the cafe" }, "onlineUrl", /https:\/\//],
    ["an online event without a link", { onlineUrl: "" }, "onlineUrl", /online link/],
    ["an in-person event without an address", { format: "in_person", location: "" }, "location", /address/],
    ["an unknown format", { format: "telepathy" }, "format", /online, in person or hybrid/],
    ["a made-up time zone", { timeZone: "Mars/Olympus_Mons" }, "timeZone", /real time zone/],
    ["an SQL-ish time zone", { timeZone: "UTC'; drop table events; --" }, "timeZone", /real time zone/],
    ["no start", { startsAt: "" }, "startsAt", /start/],
    ["a start in the past", { startsAt: "2001-01-01T10:00", endsAt: "2001-01-01T12:00" }, "startsAt", /future/],
    ["an end before the start", { endsAt: "2030-06-01T17:00" }, "endsAt", /after the start/],
    ["an end equal to the start", { endsAt: "2030-06-01T18:00" }, "endsAt", /after the start/],
    ["an impossible date", { startsAt: "2030-02-30T10:00" }, "startsAt", /date and time/],
    ["a start that is not a date", { startsAt: "tomorrow evening" }, "startsAt", /date and time/],
    ["a start skipped by the spring DST change", { startsAt: "2030-03-31T02:30", endsAt: "2030-03-31T04:00" }, "startsAt", /clocks change/],
    ["a deadline after the start", { registrationDeadline: "2030-06-02T10:00" }, "registrationDeadline", /before the start/],
    ["a group of another organization", { groupId: "g-b" }, "groupId", /organization's groups/],
    ["an unknown organization", { organizationId: "nope" }, "organizationId", /your organizations/],
  ];

  for (const [name, override, field, message] of cases) {
    it(`refuses ${name} with an inline error on ${field}`, async () => {
      const before = await count();
      const r = await post({ ...valid, ...override });
      expect(r.status).toBe(400);
      const errors = r.data?.error?.[field] ?? [];
      expect(errors.join(" ")).toMatch(message);
      expect(await count()).toBe(before);
    });
  }

  it("refuses another organization's event (403), a visitor (sent to sign in) and a JSON body (415)", async () => {
    const before = await count();
    const other = await post({ ...valid, organizationId: "org-b" });
    expect(other.status).toBe(403);
    expect(await post(valid, outsider).then((r) => r.status)).toBe(403);
    const visitor = await post(valid, null);
    expect(visitor.status).toBe(302);
    expect(visitor.location).toMatch(/^\/signin\?redirectTo=/);
    expect((await post(valid, owner, "application/json")).status).toBe(415);
    expect(await count()).toBe(before);
  });

  it("stores hostile titles and descriptions as text and renders them inert", async () => {
    for (const payload of xssPayloads.slice(0, 12)) {
      const r = await post({ ...valid, title: `Event ${payload}`.slice(0, 160), description: payload });
      expect(r.status).toBe(302);
      const id = r.location!.split("/").pop()!;
      const e = await getEvent(t.app, owner, id);
      expect(e.title).toBe(`Event ${payload}`.slice(0, 160));
      const html = renderMarkdown(e.description);
      // Tags come out escaped (shown as text); links keep only http(s)/mailto.
      expect(html).not.toMatch(/<(script|img|iframe|svg|object|embed|form|style|meta|base|body|div)\b/i);
      expect(html).not.toMatch(/<[^>]+\son\w+=/i);
      expect(html).not.toMatch(/href="(?!https?:|mailto:)/i);
    }
  });

  it("shows each end of an event across the clock change with its own offset on the event page", async () => {
    // Berlin leaves summer time at 03:00 on Sun 27 Oct 2030: 01:00 is CEST, 04:00 is CET.
    const r = await post({ ...valid, startsAt: "2030-10-27T01:00", endsAt: "2030-10-27T04:00" });
    expect(r.status).toBe(302);
    const id = r.location!.split("/").pop()!;
    const context = { app: t.app, viewer: owner, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
    const page = (await eventPageLoader({ request: new Request(`http://localhost/events/${id}`), context, params: { eventId: id } })) as unknown as { event: { inZone: string } };
    expect(page.event.inZone).toBe("Sun 27 Oct 2030, 01:00 CEST – 04:00 CET");
  });

  it("accepts a valid event and redirects to it", async () => {
    const r = await post(valid);
    expect(r.status).toBe(302);
    expect(r.location).toMatch(/^\/events\/[A-Za-z0-9_-]+$/);
  });
});
