import { and, eq, sql, type SQL } from "drizzle-orm";
import { chatRooms, roomReads } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { NotFound } from "#app/lib/errors";
import type { Actor } from "#app/policy.server";
import { roomReaders } from "#app/modules/groups/access.server";
import { HISTORY_PAGE } from "./chat.schema";

/**
 * Chat reading state (room_reads): per member and room, the last message seq read.
 * unread = room.last_seq − last_read_seq. A room the member never opened counts the page it would
 * show on opening (the latest HISTORY_PAGE messages) as unread, not the whole history: the list,
 * the divider and the counts all use the same rule, `neverOpenedReadSeq`.
 */

/** The read position of a room never opened: just before the latest page. */
export function neverOpenedReadSeq(lastSeq: number): number {
  return Math.max(0, lastSeq - HISTORY_PAGE);
}

/** The same rule in SQL, for the room list's one query (left-joined with `roomReadJoin`). */
export function unreadColumn(): SQL<number> {
  return sql<number>`(${chatRooms.lastSeq} - coalesce(${roomReads.lastReadSeq}, greatest(${chatRooms.lastSeq} - ${HISTORY_PAGE}, 0)))::int`.mapWith(Number);
}

/** Join condition: this member's read row for each listed room. */
export function roomReadJoin(userId: string): SQL | undefined {
  return and(eq(roomReads.roomId, chatRooms.id), eq(roomReads.userId, userId));
}

/** The member's read position in one room (callers have already checked chat.read). */
export async function lastReadSeqOf(app: AppContext, userId: string | undefined, room: { id: string; lastSeq: number }): Promise<number> {
  if (!userId) return Number(room.lastSeq);
  const [row] = await app.db
    .select({ seq: roomReads.lastReadSeq })
    .from(roomReads)
    .where(and(eq(roomReads.userId, userId), eq(roomReads.roomId, room.id)))
    .limit(1);
  return row ? Number(row.seq) : neverOpenedReadSeq(Number(room.lastSeq));
}

/**
 * The member has seen the room up to `seq` (policy chat.read: a banned or removed member is told
 * 404). Never moves backwards and never past the room's last message; answers the stored position.
 */
export async function markRoomRead(app: AppContext, actor: Actor, input: { roomId: string; seq: number }): Promise<{ roomId: string; lastReadSeq: number }> {
  if (!(await roomReaders(app, input.roomId, [actor.id])).has(actor.id)) throw NotFound("That room");
  const result = await app.db
    .insert(roomReads)
    .select(
      app.db
        .select({
          userId: sql`${actor.id}`.as("user_id"),
          roomId: chatRooms.id,
          lastReadSeq: sql`least(${input.seq}::bigint, ${chatRooms.lastSeq})`.as("last_read_seq"),
          updatedAt: sql`now()`.as("updated_at"),
        })
        .from(chatRooms)
        .where(eq(chatRooms.id, input.roomId)),
    )
    .onConflictDoUpdate({
      target: [roomReads.userId, roomReads.roomId],
      set: { lastReadSeq: sql`greatest(${roomReads.lastReadSeq}, excluded.last_read_seq)`, updatedAt: sql`now()` },
    })
    .returning({ lastReadSeq: roomReads.lastReadSeq });
  const [row] = result;
  if (!row) throw NotFound("That room");
  return { roomId: input.roomId, lastReadSeq: Number(row.lastReadSeq) };
}
