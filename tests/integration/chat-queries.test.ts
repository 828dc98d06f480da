import { eq } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "#app/lib/app-context.server";
import { RateLimiter } from "#app/lib/rate-limit.server";
import { sendMessage } from "#app/modules/chat/chat.server";
import type { Database } from "#db/client";
import * as schema from "#db/schema/index";
import { groupMemberships } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { createChatGroup, createChatRoom } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";

/**
 * The chat send path is the hot one: it reads the sender's standing with the lean one-query room
 * load (groups/standing.server.ts joined onto the room), not the group page's view. Queries are
 * counted with a Drizzle logger on a second handle to the same database.
 */
describe(`chat send query count on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let counted: AppContext;
  let queries: string[] = [];
  let closeCounter: () => Promise<void> = async () => {};

  beforeAll(async () => {
    t = await createTestApp();
    const logger = { logQuery: (q: string) => void queries.push(q) };
    let db: Database;
    if (t.database.pglite) {
      db = drizzlePglite(t.database.pglite, { schema, logger }) as unknown as Database;
    } else {
      const client = postgres(t.database.url!, { max: 2, onnotice: () => {} });
      db = drizzlePostgres(client, { schema, logger }) as unknown as Database;
      closeCounter = () => client.end({ timeout: 5 });
    }
    counted = { ...t.app, db, limiter: new RateLimiter() };
  });
  afterAll(async () => {
    await closeCounter();
    await t.close();
  });

  it("a member's send is three queries (idempotency check, room with standing, insert), and a muted member's is refused after two", async () => {
    const mod = await createMember(t.app, "Mod");
    const member = await createMember(t.app, "Sender");
    const { slug } = await createChatGroup(t.app, { moderatorId: mod.id, memberIds: [member.id] });
    const room = await createChatRoom(t.app, mod, slug);

    queries = [];
    const sent = await sendMessage(counted, member, { roomId: room.id, body: "hello", clientId: "c-1" });
    expect(sent.duplicate).toBe(false);
    expect(sent.message.author.displayName).toBe(member.displayName);
    expect(queries).toHaveLength(3);

    // The same standing decides: a group-wide mute refuses the send, with no insert.
    await t.app.db
      .update(groupMemberships)
      .set({ mutedUntil: new Date(Date.now() + 3_600_000) })
      .where(eq(groupMemberships.userId, member.id));
    queries = [];
    await expect(sendMessage(counted, member, { roomId: room.id, body: "still here?", clientId: "c-2" })).rejects.toMatchObject({ code: "forbidden" });
    expect(queries).toHaveLength(2);
  });
});
