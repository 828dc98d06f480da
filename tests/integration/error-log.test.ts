import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { chatRooms, groupMemberships, groups, organizationMembers, organizations } from "#db/schema/index";
import { createMember } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";
import { connectedSocket } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;

// Private text a failing query would carry in its parameters.
const DESCRIPTION = "Private: my neurologist said botox-cycle-7731";
const LINK = "https://meet.example/secret-room-4412?pwd=hunter2-9917";
const CHAT = "chat-body-secret-5521 about my medication";

/**
 * #7: a query that fails with private text in its parameters, through the real server (Remix
 * action, Express, a socket handler), logs the error's name, code and route and never the text.
 */
describe(`the error log of the real server on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let owner: Member;
  const lines: string[] = [];

  beforeAll(async () => {
    s = await startAppServer({ LOG_LEVEL: "error" });
    const db = s.app.db;
    await db.insert(organizations).values({ id: "org-l", slug: "org-l", name: "Org L" });
    await db.insert(groups).values({ id: "g-l", slug: "log-group", name: "Log group", organizationId: "org-l", visibility: "private", joinPolicy: "approval" });
    await db.insert(chatRooms).values({ id: "room-l", groupId: "g-l", name: "General" });
    owner = await createMember(s.app, "Owner");
    await db.insert(organizationMembers).values({ organizationId: "org-l", userId: owner.id, role: "owner" });
    await db.insert(groupMemberships).values({ groupId: "g-l", userId: owner.id });
    // Capture everything the process writes to the console: the server's logger (the build's copy,
    // shared by server.ts, the socket handlers and the routes) and anything else that prints.
    for (const method of ["error", "warn", "log", "info"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      });
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await s?.stop();
  });

  const expectNoPrivateText = () => {
    const all = lines.join("\n");
    for (const secret of [DESCRIPTION, LINK, "hunter2-9917", "secret-room-4412", "botox-cycle-7731", CHAT, "chat-body-secret-5521", owner.token]) {
      expect(all).not.toContain(secret);
    }
  };

  it("a failing insert in an action logs name, code and route only", async () => {
    // Break the table under the action so the insert fails with every value in its parameters.
    await s.app.db.execute(sql`alter table events rename column description to description_gone`);
    try {
      const r = await s.postForm(
        "/events/new",
        {
          organizationId: "org-l",
          groupId: "g-l",
          title: "Private clinic evening",
          description: DESCRIPTION,
          timeZone: "Europe/Berlin",
          startsAt: "2099-05-01T10:00",
          endsAt: "2099-05-01T11:00",
          format: "online",
          onlineUrl: LINK,
        },
        { cookie: s.cookie(owner.token) },
      );
      expect(r.status).toBe(500);
      expect(await r.text()).not.toContain(DESCRIPTION);
    } finally {
      await s.app.db.execute(sql`alter table events rename column description_gone to description`);
    }
    const logged = lines.filter((l) => l.includes("request failed"));
    expect(logged.length).toBeGreaterThan(0);
    const entry = JSON.parse(logged[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: "error", method: "POST", route: "/events/new", code: "42703" });
    expectNoPrivateText();
  });

  it("a failing query in a socket handler logs the event name, never the message body", async () => {
    const before = lines.length;
    const socket = await connectedSocket(s.url, { cookie: s.cookie(owner.token), origin: s.url });
    try {
      expect((await socket.timeout(10_000).emitWithAck("room:join", { roomId: "room-l" })).ok).toBe(true);
      await s.app.db.execute(sql`alter table chat_messages rename column body to body_gone`);
      try {
        const sent = await socket.timeout(10_000).emitWithAck("message:send", { roomId: "room-l", body: CHAT, clientId: "client-log-1" });
        expect(sent).toMatchObject({ ok: false, error: { code: "internal" } });
      } finally {
        await s.app.db.execute(sql`alter table chat_messages rename column body_gone to body`);
      }
    } finally {
      socket.disconnect();
    }
    const logged = lines.slice(before).filter((l) => l.includes("socket handler failed"));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ route: "message:send", code: "42703" });
    expectNoPrivateText();
  });

  it("an error in the Express layer (the session check) logs the route without the secret path parts", async () => {
    const before = lines.length;
    await s.app.db.execute(sql`alter table sessions rename to sessions_gone`);
    try {
      const r = await fetch(`${s.url}/calendar/${"k".repeat(40)}/events.ics`, { headers: { cookie: s.cookie(owner.token) } });
      expect(r.status).toBe(500);
    } finally {
      await s.app.db.execute(sql`alter table sessions_gone rename to sessions`);
    }
    const logged = lines.slice(before).filter((l) => l.includes("request failed"));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ route: "/calendar/:/events.ics", code: "42P01" });
    expect(logged[0]).not.toContain("k".repeat(40));
    expectNoPrivateText();
  });
});
