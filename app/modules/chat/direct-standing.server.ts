import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { chatRoomMembers, chatRooms, userBlocks } from "#db/schema/index";
import type { DirectRoomTarget } from "#app/policy.server";

/**
 * The one query piece for "the viewer's standing in a direct conversation", selected alongside a
 * chat_rooms row (the twin of groups/standing.server.ts for rooms without a group): whether the
 * viewer is a current member, and whether a 1:1 conversation is blocked either way. Both are
 * correlated subqueries that Postgres skips for group rooms (CASE), so a group room's query stays
 * the one it was. A leaf module: groups/access.server.ts imports it too.
 */
export function directStandingColumns(viewer: string | AnyPgColumn | SQL) {
  const room = chatRooms.id;
  return {
    kind: chatRooms.kind,
    participant: sql<boolean>`case when ${chatRooms.kind} = 'direct' then exists (
      select 1 from ${chatRoomMembers} dm where dm.room_id = ${room} and dm.user_id = ${viewer} and dm.left_at is null
    ) else false end`.mapWith(Boolean),
    blocked: directBlocked(room),
  };
}

/** A 1:1 conversation (two people, ever) where one of the two has blocked the other. */
export function directBlocked(room: AnyPgColumn | SQL): SQL<boolean> {
  return sql<boolean>`case when ${chatRooms.kind} = 'direct' then (
      (select count(*) from ${chatRoomMembers} dc where dc.room_id = ${room}) = 2
      and exists (
        select 1 from ${userBlocks} ub
        join ${chatRoomMembers} da on da.room_id = ${room} and da.user_id = ub.blocker_id
        join ${chatRoomMembers} db on db.room_id = ${room} and db.user_id = ub.blocked_id
      )
    ) else false end`.mapWith(Boolean);
}

/** The policy's target for a direct room row selected with `directStandingColumns`. */
export function directTargetOf(row: { participant: boolean; blocked: boolean; archivedAt: Date | null }): DirectRoomTarget {
  return { kind: "direct", participant: row.participant, room: { archived: row.archivedAt !== null }, blocked: row.blocked };
}
