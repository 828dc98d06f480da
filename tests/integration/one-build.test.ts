import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerBuild } from "@remix-run/node";
import { io as connect, type Socket } from "socket.io-client";
import { DomainError as SourceDomainError } from "#app/lib/errors";
import { SIGN_IN_FAILURES_PER_ACCOUNT } from "#app/modules/accounts/accounts.server";
import { SEND_RATE } from "#app/modules/chat/chat.schema";
import type { ClientToServerEvents, ServerToClientEvents } from "#app/realtime/events";
import { chatMessages, chatRooms, groupMemberships, groups, organizations } from "#db/schema/index";
import { createMember } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";
import type { AppRuntime } from "../../server";

/**
 * Issue 11: the production server runs one copy of the app. server.ts takes its limiter, session
 * check and Socket.IO handlers from the Remix build the routes run (app/runtime.server.ts through
 * app/entry.server.tsx), so the DomainError a route or a socket handler throws out of the limiter
 * server.ts made is the class their mappers know (`isDomainError` is a plain instanceof). With two
 * copies, each of these answers a 500 / an "internal" ack instead of the rate limit.
 */
describe(`one copy of the app in the production server on ${testDatabaseKind}`, () => {
  let s: AppServer;
  beforeAll(async () => {
    s = await startAppServer();
  });
  afterAll(() => s?.stop());

  it("server.ts's runtime and limiter are the production build's, not a second copy from the sources", async () => {
    const build = (await import(path.resolve(import.meta.dirname, "../..", s.buildDir, "server/index.js"))) as ServerBuild;
    const runtime = (build.entry.module as { runtime?: AppRuntime }).runtime;
    expect(runtime).toBeDefined();
    expect(s.runtime).toBe(runtime);
    expect(s.app.limiter).toBeInstanceOf(runtime!.MemoryRateLimiter);
    // The test process imports the sources itself: that copy is a different class.
    expect(s.runtime.DomainError).not.toBe(SourceDomainError);
  });

  it("the sign-in throttle counted by server.ts's limiter answers the built route with 429 and Retry-After", async () => {
    const member = await createMember(s.app, "Throttled");
    const signIn = () => s.postForm("/signin", { email: member.email, password: "not the password", redirectTo: "" });
    // All but one failure counted straight into the limiter server.ts made: the route must see them.
    const key = `signin:acct:${member.email}|127.0.0.1`;
    for (let i = 1; i < SIGN_IN_FAILURES_PER_ACCOUNT.limit; i++) await s.app.limiter.record(key, SIGN_IN_FAILURES_PER_ACCOUNT);
    const last = await signIn();
    expect(last.status).toBe(400);
    expect((await s.app.limiter.peek(key, SIGN_IN_FAILURES_PER_ACCOUNT)).remaining).toBe(0);

    const refused = await signIn();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain(SIGN_IN_FAILURES_PER_ACCOUNT.message);
  });

  it("a socket handler's rate limit from server.ts's limiter is a rate_limited ack, and nothing is stored", async () => {
    const db = s.app.db;
    await db.insert(organizations).values({ id: "org-one", slug: "org-one", name: "Org one" });
    await db.insert(groups).values({ id: "g-one", slug: "one-build", name: "One build", organizationId: "org-one" });
    await db.insert(chatRooms).values({ id: "room-one", groupId: "g-one", name: "General" });
    const member = await createMember(s.app, "Chatty");
    await db.insert(groupMemberships).values({ groupId: "g-one", userId: member.id });
    for (let i = 0; i < SEND_RATE.limit; i++) await s.app.limiter.record(`chat:send:${member.id}`, { ...SEND_RATE, message: "" });

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(s.url, {
      transports: ["websocket"],
      extraHeaders: { cookie: s.cookie(member.token), origin: s.url },
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      const ack = await socket.timeout(10_000).emitWithAck("message:send", { roomId: "room-one", body: "hello", clientId: "client-one-1" });
      expect(ack).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    } finally {
      socket.disconnect();
    }
    expect(await db.select().from(chatMessages)).toHaveLength(0);
  });
});
