import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "#db/client";
import { migrate } from "#db/migrate";
import { demoEmail, seedDemo } from "#db/seed";
import { createTestDatabase, rowsOf, testDatabaseKind } from "#tests/helpers/database";
import journal from "../../db/migrations/meta/_journal.json";

describe(`migrations on ${testDatabaseKind}`, () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(); // applies the migrations to an empty database
  });
  afterAll(() => handle.close());

  it("creates every table of the schema", async () => {
    const rows = await handle.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const list = rowsOf<{ table_name: string }>(rows).map((r) => r.table_name);
    expect(list).toEqual([
      "account_tokens",
      "appeals",
      "calendar_feeds",
      "chat_message_versions",
      "chat_messages",
      "chat_reactions",
      "chat_room_members",
      "chat_room_sanctions",
      "chat_rooms",
      "consents",
      "data_exports",
      "drafts",
      "event_messages",
      "event_rsvp_changes",
      "event_rsvps",
      "event_series",
      "events",
      "group_memberships",
      "groups",
      "held_content",
      "library_images",
      "moderation_actions",
      "notifications",
      "organization_applications",
      "organization_members",
      "organizations",
      "passkeys",
      "posts",
      "reactions",
      "reports",
      "resource_bookmarks",
      "resource_pages",
      "resource_versions",
      "resources",
      "room_reads",
      "sessions",
      "thread_follows",
      "thread_reads",
      "threads",
      "user_blocks",
      "users",
      "watched_words",
      "webauthn_challenges",
    ]);
  });

  it("is a no-op when applied again, also concurrently", async () => {
    await Promise.all([migrate(handle), migrate(handle)]);
    const rows = await handle.db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const n = rowsOf<{ n: number }>(rows)[0]!.n;
    expect(n).toBe(journal.entries.length); // one row per migration file
  });

  it("seeds the demo community once, however often it runs", async () => {
    expect((await seedDemo(handle.db)).created).toBe(true);
    expect((await seedDemo(handle.db)).created).toBe(false);
    const counts = await handle.db.execute<{ users: number; groups: number; private: number; moderators: number }>(sql`
      select (select count(*)::int from users) as users,
             (select count(*)::int from groups) as groups,
             (select count(*)::int from groups where visibility = 'private' and join_policy = 'approval') as private,
             (select count(*)::int from group_memberships where role = 'moderator') as moderators`);
    const row = rowsOf(counts)[0];
    expect(row).toEqual({ users: 5, groups: 4, private: 1, moderators: 4 });
    expect(demoEmail("demo-sam")).toBe("sam@demo.hearth.test");
  });
});
