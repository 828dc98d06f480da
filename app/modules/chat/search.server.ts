import { desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { chatMessages, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { messageHref } from "#app/lib/chat-links";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { NotFound } from "#app/lib/errors";
import { HEADLINE_OPTIONS, SNIPPET_STRIP, snippetParts, type SnippetPart } from "#app/lib/search-snippets";
import type { StaffRole } from "#app/lib/staff-role";
import { cleanText } from "#app/lib/text-input";
import { assertCan, type Actor } from "#app/policy.server";
import { utcText } from "#app/modules/forums/reading.server";
import { staffStanding } from "#app/modules/groups/staff-standing.server";
import { listRooms, loadRoom } from "./chat.server";
import { CHAT_SEARCH_PAGE, type ChatSearchInput } from "./search.schema";

/**
 * Chat search: Postgres full-text (`websearch_to_tsquery` on the generated, GIN-indexed
 * chat_messages.search, so "walking" finds "walked" and an edited message is found by its new text),
 * with ts_headline snippets as plain-text parts (app/lib/search-snippets.ts: no HTML can ride along).
 *
 * Who finds what: the rooms come from listRooms, whose `canOpen` is the policy's own `chat.read` per
 * room (bans, archived rooms for moderators only), and a private group answers 404 there to whoever
 * may not see it. The messages of all those rooms are then searched in ONE query (`room_id in …`),
 * never a query per room. Deleted messages and system lines never match.
 *
 * Order: newest first, keyset on (created_at, id). Chat is a conversation in time and a result is
 * opened in its context, so "when" is what people scan for; and it stays cheap at 100,000 messages:
 * a common word walks each room's (room_id, created_at) index backwards and stops after a page, a
 * rare one reads its few GIN matches. Ranking would have to score every match of a common word first
 * (bench/chat-scale.ts measures both kinds of word).
 */

export interface ChatSearchRoom {
  id: string;
  name: string;
  archived: boolean;
}

export interface ChatSearchResult {
  id: string;
  roomId: string;
  roomName: string;
  seq: number;
  authorName: string;
  authorStaff: StaffRole | null;
  createdAt: string;
  snippet: SnippetPart[];
  href: string;
}

const TOO_COMMON = "Those words are too common to search for. Try a more particular word.";

/** Up to this many matches are simply sorted; past it, each room's index is walked (see newestMatches). */
const FEW_MATCHES = 1000;

/**
 * The ids of the newest page of matches in these rooms, as one subquery with two plans, chosen by
 * how many messages match (the GIN index counts them cheaply, capped):
 *  - a rare word (≤ FEW_MATCHES matches): its matches, sorted. The room test is written
 *    `(…) is true` so Postgres can't AND the GIN bitmap with the whole room's (room_id, created_at)
 *    bitmap: at 100,000 messages that bitmap alone took 27 ms for 14 matches (bench/README.md);
 *  - a common word: a LATERAL walk of each room's (room_id, created_at) index, newest first, that
 *    stops after a page; `room_id in (…) order by created_at` can't walk it across rooms and would
 *    sort every match.
 * The branch not taken is skipped by its one-time filter. Written by hand: columns qualified by hand.
 */
function newestMatches(rooms: readonly { id: string }[], tsq: SQL, cursor: readonly [string, string] | null): SQL {
  const roomIds = sql`array[${sql.join(
    rooms.map((r) => sql`${r.id}`),
    sql`, `,
  )}]::text[]`;
  const visible = sql`m.search @@ ${tsq} and m.deleted_at is null and m.kind <> 'system' ${cursor ? sql`and (m.created_at, m.id) < (${cursor[0]}::timestamptz, ${cursor[1]})` : sql``}`;
  const page = CHAT_SEARCH_PAGE + 1;
  return sql`(
    with matched as materialized (
      select m.id, m.created_at from ${chatMessages} m
      where ${visible} and (m.room_id = any(${roomIds})) is true
      limit ${FEW_MATCHES + 1}
    )
    select few.id from (select id from matched order by created_at desc, id desc limit ${page}) few
    where (select count(*) from matched) <= ${FEW_MATCHES}
    union all
    select hit.id from unnest(${roomIds}) as room (id)
    cross join lateral (
      select m.id from ${chatMessages} m where m.room_id = room.id and ${visible}
      order by m.created_at desc, m.id desc limit ${page}
    ) hit
    where (select count(*) from matched) > ${FEW_MATCHES}
  )`;
}

/**
 * One page of matches in these rooms (already checked with the policy by the caller), newest first.
 * `groupId` is the rooms' group, for the authors' staff badges (null for a direct conversation).
 */
export async function searchRoomMessages(
  app: AppContext,
  scope: { groupId: string | null; groupSlug: string | null; rooms: readonly { id: string; name: string }[] },
  q: string,
  after?: string,
): Promise<{ results: ChatSearchResult[]; nextCursor: string | null; notice: string | null }> {
  const query = cleanText(q).trim();
  if (!query || scope.rooms.length === 0) return { results: [], nextCursor: null, notice: null };
  const tsq = sql`websearch_to_tsquery('english', ${query})`;
  const cursor = decodeCursor(after, ["time", "text"]);
  const rows = await app.db
    .select({
      id: chatMessages.id,
      roomId: chatMessages.roomId,
      seq: chatMessages.seq,
      createdKey: utcText(chatMessages.createdAt),
      authorName: users.displayName,
      authorStaff: staffStanding(scope.groupId, chatMessages.authorId),
      // Costly per row, so Postgres computes it after the LIMIT (see bench/README.md's plan).
      snippet: sql<string>`ts_headline('english', translate(${chatMessages.body}, ${SNIPPET_STRIP}, ''), ${tsq}, ${HEADLINE_OPTIONS})`,
    })
    .from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.authorId))
    .where(inArray(chatMessages.id, newestMatches(scope.rooms, tsq, cursor)))
    .orderBy(desc(chatMessages.createdAt), desc(chatMessages.id))
    .limit(CHAT_SEARCH_PAGE + 1);
  const names = new Map(scope.rooms.map((r) => [r.id, r.name]));
  const page = rows.slice(0, CHAT_SEARCH_PAGE);
  const last = page.at(-1);
  // Nothing found on a first page: say so plainly when the words were all stop words ("the", "and").
  let notice: string | null = null;
  if (page.length === 0 && !cursor) {
    const [words] = await app.db.select({ nodes: sql<number>`numnode(${tsq})` }).from(sql`(values (1)) as one (x)`);
    if (Number(words?.nodes) === 0) notice = TOO_COMMON;
  }
  return {
    notice,
    nextCursor: rows.length > CHAT_SEARCH_PAGE && last ? encodeCursor([last.createdKey, last.id]) : null,
    results: page.map((r) => ({
      id: r.id,
      roomId: r.roomId,
      roomName: names.get(r.roomId) ?? "",
      seq: Number(r.seq),
      authorName: r.authorName,
      authorStaff: r.authorStaff ?? null,
      createdAt: r.createdKey,
      snippet: snippetParts(r.snippet),
      href: messageHref({ roomId: r.roomId, groupSlug: scope.groupSlug }, Number(r.seq)),
    })),
  };
}

/**
 * A group's chat search (`room` narrows it to one room): the rooms the viewer may read, and one page
 * of matches in them. A room the viewer may not read (or that is not the group's) answers 404.
 */
export async function searchGroupChat(app: AppContext, viewer: Actor | null, slug: string, input: Partial<ChatSearchInput>) {
  const { group, rooms } = await listRooms(app, viewer, slug);
  const readable: ChatSearchRoom[] = rooms.filter((r) => r.canOpen).map((r) => ({ id: r.id, name: r.name, archived: r.archived }));
  const room = input.room ? readable.find((r) => r.id === input.room) : undefined;
  if (input.room && !room) throw NotFound("That room");
  const q = (input.q ?? "").trim();
  const found = await searchRoomMessages(app, { groupId: group.id, groupSlug: group.slug, rooms: room ? [room] : readable }, q, input.after);
  return { group: { id: group.id, slug: group.slug, name: group.name }, rooms: readable, room: room ?? null, q, ...found };
}

/**
 * A direct conversation's search (for its page under /messages): its current members only, 404 to
 * anyone else (organization staff and site admins included, as chat.read says for direct rooms).
 */
export async function searchDirectChat(app: AppContext, viewer: Actor | null, roomId: string, input: Partial<ChatSearchInput>) {
  const room = await loadRoom(app, viewer, roomId);
  if (room.kind !== "direct") throw NotFound("That conversation");
  assertCan(viewer, "chat.read", room.target, "That conversation");
  const q = (input.q ?? "").trim();
  return { q, ...(await searchRoomMessages(app, { groupId: null, groupSlug: null, rooms: [{ id: room.id, name: "" }] }, q, input.after)) };
}
