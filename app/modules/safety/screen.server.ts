import { sql, type SQL } from "drizzle-orm";
import { chatMessages, chatRooms, groups, heldContent, organizations, posts, threads } from "#db/schema/index";
import type { Database, Transaction } from "#db/client";
import { Invalid, NeedsConfirmation } from "#app/lib/errors";
import { rowsOf } from "#app/lib/db-rows.server";
import { can, type Actor, type GroupTarget } from "#app/policy.server";
import { findPersonalData, personalDataQuestion } from "./personal-data";
import { hitsOf, watchedWordsJsonSql, type ListedWord } from "./watched.server";

/** What is being written: a new thread, a reply, an edit of a post, a chat message or its edit. */
export type ScreenedKind = "thread" | "post" | "post_edit" | "chat_message" | "chat_edit";

export interface ScreenInput {
  actor: Actor;
  group: { id: string; organizationId: string; target: GroupTarget };
  kind: ScreenedKind;
  /** Title and body (or the message), as typed. */
  texts: string[];
  /** The author already answered "post anyway" to the personal-data question. */
  confirmedPersonal: boolean;
}

export type Screening =
  /** Publish now; `flagged`: watched words whose action is "flag" (an automatic report follows the write). */
  | { verdict: "publish"; flagged: string[] }
  /** Do not publish: store it in held_content for a moderator. */
  | { verdict: "hold"; reason: "new_member" | "watched_word"; matched: string[] };

const isEdit = (kind: ScreenedKind) => kind === "post_edit" || kind === "chat_edit";

/**
 * The one gate every forum and chat write passes before it stores anything: a "block" word refuses
 * (Invalid), personal data without confirmation asks (NeedsConfirmation), then holds (watched words'
 * "hold", new-member review) and flags. The group's moderators (`safety.exempt`) skip the holds and
 * the personal-data question; "block" words still apply to them.
 *
 * Edits (`post_edit`, `chat_edit`) are never held: the content is already public and its place in
 * the thread or room stays, so a "hold" word on an edit is treated as a "flag" (a moderator looks at
 * it in the queue) and new-member review does not apply. "block" still refuses and personal data still asks.
 */
export async function screenContent(db: Database | Transaction, input: ScreenInput): Promise<Screening> {
  return decide(await screeningContext(db, { groupId: input.group.id, authorId: input.actor.id }), input);
}

/** What the gate needs to know, read in one query: see screeningContext. */
export interface ScreeningContext {
  /** organizations.new_member_holds (0: off). */
  holds: number;
  /** The author's published posts and chat messages in the organization's groups (counted up to 5, the highest N). */
  published: number;
  /** The organization's and the site's watched words. */
  words: ListedWord[];
  /** Chat: the author's held message with this clientId, if one is waiting already. */
  held: { id: string; roomId: string | null } | null;
}

/**
 * The author's published posts and chat messages in the organization's groups, counted only while
 * the organization holds new members' first ones (`holds` > 0) and capped at `holds`: the gate only
 * asks whether it is below, and a capped count stays the same from then on (the chat send caches it).
 */
export function publishedCountSql(authorId: string | SQL, organizationId: SQL, holds: SQL): SQL<number> {
  return sql<number>`case when ${holds} > 0 then least(${holds},
        (select count(*) from (select 1 from ${posts} p
            join ${threads} t on t.id = p.thread_id
            join ${groups} pg on pg.id = t.group_id
          where p.author_id = ${authorId} and pg.organization_id = ${organizationId}
            and (p.deleted_at is null or p.deleted_by = p.author_id)
          limit 5) sp)
        + (select count(*) from (select 1 from ${chatMessages} m
            join ${chatRooms} r on r.id = m.room_id
            join ${groups} mg on mg.id = r.group_id
          where m.author_id = ${authorId} and mg.organization_id = ${organizationId} and m.kind <> 'system'
            and (m.deleted_at is null or m.deleted_by = m.author_id)
          limit 5) sm))
      else 0 end`;
}

/**
 * One round trip for the whole gate (it is on the chat send path): the group's organization, its
 * new-member setting and the author's published count (only when the setting is on), both watched
 * lists, and for chat the held row a retried clientId already made. Removed-by-a-moderator content
 * does not count as published; held content is not published at all.
 */
async function screeningContext(db: Database | Transaction, input: { groupId: string; authorId: string; heldClientId?: string }): Promise<ScreeningContext> {
  const result = await db.execute(sql`
    select o.new_member_holds as holds,
      ${publishedCountSql(input.authorId, sql`o.id`, sql`o.new_member_holds`)} as published,
      ${watchedWordsJsonSql(sql`o.id`)} as words,
      ${
        input.heldClientId === undefined
          ? sql`null`
          : sql`(select json_build_object('id', h.id, 'roomId', h.room_id) from ${heldContent} h
              where h.author_id = ${input.authorId} and h.kind = 'chat_message' and h.payload->>'clientId' = ${input.heldClientId} limit 1)`
      } as held
    from ${groups} g join ${organizations} o on o.id = g.organization_id
    where g.id = ${input.groupId}`);
  const [row] = rowsOf<{ holds: number | string; published: number | string; words: ListedWord[] | string; held: ScreeningContext["held"] | string | null }>(result);
  if (!row) throw Invalid("That group no longer exists.");
  // json columns arrive parsed from postgres-js and PGlite alike, but a driver may hand back text.
  const json = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);
  return { holds: Number(row.holds), published: Number(row.published), words: json(row.words), held: row.held === null ? null : json(row.held) };
}

/** The gate's rules over what screeningContext read (no further queries). */
function decide(ctx: ScreeningContext, input: Omit<ScreenInput, "group"> & { group: { target: GroupTarget } }): Screening {
  const { actor, kind, texts } = input;
  const { hits } = hitsOf(ctx.words, texts);
  if (hits.block.length > 0) {
    // Which field to point at: the title (the first of two texts) when it alone carries the word.
    const inTitle = texts.length > 1 && hitsOf(ctx.words, [texts[0]!]).hits.block.length > 0;
    const message = `Please remove ${hits.block.map((w) => `"${w}"`).join(", ")}: this group doesn't allow ${hits.block.length === 1 ? "that word" : "those words"}.`;
    throw Invalid(message, { [inTitle ? "title" : "body"]: [message] });
  }
  const exempt = can(actor, "safety.exempt", input.group.target);
  if (!exempt && !input.confirmedPersonal) {
    const kinds = [...new Set(texts.flatMap((t) => findPersonalData(t)))];
    if (kinds.length > 0) throw NeedsConfirmation(personalDataQuestion(kinds));
  }
  if (!exempt && !isEdit(kind)) {
    if (hits.hold.length > 0) return { verdict: "hold", reason: "watched_word", matched: hits.hold };
    if (ctx.holds > 0 && ctx.published < ctx.holds) return { verdict: "hold", reason: "new_member", matched: [] };
  }
  // On an edit a "hold" word counts as a "flag" (see above); a moderator's own hold words flag too.
  const flagged = [...new Set([...hits.flag, ...(exempt || isEdit(kind) ? hits.hold : [])])];
  return { verdict: "publish", flagged };
}

/** screenContent for a write in a group known by id (its organization comes with the one query). */
export async function screenGroupWrite(
  db: Database | Transaction,
  input: Omit<ScreenInput, "group" | "confirmedPersonal"> & { groupId: string; target: GroupTarget; confirmedPersonal?: boolean },
): Promise<Screening> {
  const ctx = await screeningContext(db, { groupId: input.groupId, authorId: input.actor.id });
  return decide(ctx, { ...input, confirmedPersonal: input.confirmedPersonal ?? false, group: { target: input.target } });
}

/**
 * The chat send's gate: the same one query also answers whether this clientId is already held (a
 * retry answers "held" again without screening or storing anything).
 */
export async function screenChatSend(
  db: Database | Transaction,
  input: { actor: Actor; groupId: string; target: GroupTarget; body: string; clientId: string; confirmedPersonal?: boolean },
): Promise<{ held: { id: string; roomId: string | null } } | { screening: Screening }> {
  const ctx = await screeningContext(db, { groupId: input.groupId, authorId: input.actor.id, heldClientId: input.clientId });
  if (ctx.held) return { held: ctx.held };
  return { screening: screenChatText(ctx, input) };
}

/** The chat send's rules over a context already read (the send path's per-node cache holds it): no query. */
export function screenChatText(
  ctx: Omit<ScreeningContext, "held">,
  input: { actor: Actor; target: GroupTarget; body: string; confirmedPersonal?: boolean },
): Screening {
  return decide({ ...ctx, held: null }, { actor: input.actor, kind: "chat_message", texts: [input.body], confirmedPersonal: input.confirmedPersonal ?? false, group: { target: input.target } });
}
