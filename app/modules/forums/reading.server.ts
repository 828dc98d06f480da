import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { groupMemberships, posts, threadFollows, threadReads } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { encodeCursor } from "#app/lib/cursor";
import { rowsOf } from "#app/lib/db-rows.server";
import type { FollowLevel } from "./follow.server";

/**
 * Forum reading state (thread_reads): the last post a member saw per thread, as its (created_at, id)
 * keyset position. The thread page moves it forward (never back); lists count what came after it in
 * the same query that lists the threads. Callers have already asked the policy (forum.read).
 */

/** Keyset positions are compared at the database's microsecond precision, so they are copied in SQL, never through a JS Date. */
export const utcText = (col: SQL | AnyPgColumn) => sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * True when the member hears nothing from the thread and it never counts as new: muted per thread,
 * or the group is muted and the member chose no level for this thread.
 */
export function mutedForSql(userId: string | SQL, threadId: SQL | AnyPgColumn, groupId: SQL | AnyPgColumn) {
  return sql<boolean>`coalesce(
    (select tf.level = 'muted' from ${threadFollows} tf where tf.user_id = ${userId} and tf.thread_id = ${threadId} and (tf.level = 'muted' or tf.reason = 'chosen')),
    (select gm.notification_level = 'muted' from ${groupMemberships} gm where gm.group_id = ${groupId} and gm.user_id = ${userId}),
    false)`;
}

/**
 * Columns for a thread list (one query for the whole page): `unread` = posts by others after the
 * member's marker (null: never opened), `fresh` = never opened and started after they joined, `muted`.
 * Visitors get nulls, so the list looks as before.
 */
export function unreadColumns(viewerId: string | null, thread: { id: AnyPgColumn; groupId: AnyPgColumn; createdAt: AnyPgColumn }) {
  if (!viewerId) {
    return { unread: sql<number | null>`null::int`, fresh: sql<boolean>`false`, muted: sql<boolean>`false` };
  }
  return {
    unread: sql<number | null>`(select (select count(*) from ${posts} p where p.thread_id = ${thread.id} and p.deleted_at is null
        and p.author_id <> ${viewerId} and (p.created_at, p.id) > (tr.last_read_at, tr.last_read_post_id))::int
      from ${threadReads} tr where tr.user_id = ${viewerId} and tr.thread_id = ${thread.id})`,
    fresh: sql<boolean>`(not exists (select 1 from ${threadReads} tr where tr.user_id = ${viewerId} and tr.thread_id = ${thread.id})
      and exists (select 1 from ${groupMemberships} gm where gm.group_id = ${thread.groupId} and gm.user_id = ${viewerId}
        and gm.status = 'active' and gm.created_at < ${thread.createdAt}))`,
    muted: mutedForSql(viewerId, thread.id, thread.groupId),
  };
}

/** What the list shows for one thread: "3 new", "New", or nothing (muted, read, or a visitor). */
export function newLabel(row: { unread: number | null; fresh: boolean; muted: boolean }): string | null {
  if (row.muted) return null;
  if (row.unread !== null) return row.unread > 0 ? `${row.unread} new` : null;
  return row.fresh ? "New" : null;
}

/**
 * The thread page's member state, in one statement (the page's policy check came first): the first
 * post by someone else after the member's marker as it was before this page (with the cursor of the
 * page that starts at it, so the link works from any keyset page); the thread's and the group's
 * follow levels (no group level: not an active member); and the marker moved up to `lastPostId`,
 * the last post on the page, never back. Every part sees the statement's snapshot, so the answer is
 * the old state.
 *
 * Reading a page again is the common case and must not write: an upsert whose update is skipped
 * still locks the row, so the statement gets a transaction id and a commit flushed to disk, and a
 * member's concurrent page views queue on that lock. So the marker is moved by an UPDATE (which
 * locks only the rows it changes) and inserted only when there is none (the upsert is for the
 * race where two first views insert at once).
 */
export async function readThrough(app: AppContext, userId: string, thread: { id: string; groupId: string }, lastPostId: string) {
  const rows = rowsOf<{ post_id: string | null; after_time: string | null; after_id: string | null; thread_level: FollowLevel | null; group_level: FollowLevel | null }>(
    await app.db.execute(sql`
      with last_post as (
        select p.id, p.created_at from ${posts} p where p.id = ${lastPostId} and p.thread_id = ${thread.id}
      ), moved as (
        update ${threadReads} set last_read_post_id = last_post.id, last_read_at = last_post.created_at, updated_at = now()
        from last_post
        where ${threadReads.userId} = ${userId} and ${threadReads.threadId} = ${thread.id}
          and (last_post.created_at, last_post.id) > (${threadReads.lastReadAt}, ${threadReads.lastReadPostId})
      ), first_read as (
        insert into ${threadReads} (user_id, thread_id, last_read_post_id, last_read_at, updated_at)
        select ${userId}, ${thread.id}, last_post.id, last_post.created_at, now() from last_post
        where not exists (select 1 from ${threadReads} tr where tr.user_id = ${userId} and tr.thread_id = ${thread.id})
        on conflict (user_id, thread_id) do update
          set last_read_post_id = excluded.last_read_post_id, last_read_at = excluded.last_read_at, updated_at = excluded.updated_at
          where (excluded.last_read_at, excluded.last_read_post_id) > (${threadReads.lastReadAt}, ${threadReads.lastReadPostId})
      )
      select (select p.id from ${posts} p
          where p.thread_id = ${thread.id} and p.deleted_at is null and p.author_id <> ${userId}
            and (p.created_at, p.id) > (tr.last_read_at, tr.last_read_post_id)
          order by p.created_at, p.id limit 1) as post_id,
        ${utcText(sql`tr.last_read_at`)} as after_time, tr.last_read_post_id as after_id,
        (select tf.level from ${threadFollows} tf where tf.user_id = ${userId} and tf.thread_id = ${thread.id}) as thread_level,
        (select gm.notification_level from ${groupMemberships} gm
          where gm.group_id = ${thread.groupId} and gm.user_id = ${userId} and gm.status = 'active') as group_level
      from (select) one left join ${threadReads} tr on tr.user_id = ${userId} and tr.thread_id = ${thread.id}`),
  );
  const row = rows[0]!;
  return {
    unread: row.post_id && row.after_time && row.after_id ? { postId: row.post_id, after: encodeCursor([row.after_time, row.after_id]) } : null,
    follow: row.group_level ? { thread: row.thread_level, group: row.group_level } : null,
  };
}
