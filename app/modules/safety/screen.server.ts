import { sql } from "drizzle-orm";
import { chatMessages, chatRooms, groups, organizations, posts, threads } from "#db/schema/index";
import type { Database, Transaction } from "#db/client";
import { Invalid, NeedsConfirmation } from "#app/lib/errors";
import { rowsOf } from "#app/lib/db-rows.server";
import { can, type Actor, type GroupTarget } from "#app/policy.server";
import { findPersonalData, personalDataQuestion } from "./personal-data";
import { watchedMatches } from "./watched.server";

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
  const { actor, group, kind, texts } = input;
  const hits = await watchedMatches(db, group.organizationId, texts);
  if (hits.block.length > 0) {
    // Which field to point at: the title (the first of two texts) when it alone carries the word.
    const inTitle = texts.length > 1 && (await watchedMatches(db, group.organizationId, [texts[0]!])).block.length > 0;
    const message = `Please remove ${hits.block.map((w) => `"${w}"`).join(", ")}: this group doesn't allow ${hits.block.length === 1 ? "that word" : "those words"}.`;
    throw Invalid(message, { [inTitle ? "title" : "body"]: [message] });
  }
  const exempt = can(actor, "safety.exempt", group.target);
  if (!exempt && !input.confirmedPersonal) {
    const kinds = [...new Set(texts.flatMap((t) => findPersonalData(t)))];
    if (kinds.length > 0) throw NeedsConfirmation(personalDataQuestion(kinds));
  }
  if (!exempt && !isEdit(kind)) {
    if (hits.hold.length > 0) return { verdict: "hold", reason: "watched_word", matched: hits.hold };
    if (await isNewMember(db, actor.id, group.organizationId)) return { verdict: "hold", reason: "new_member", matched: [] };
  }
  // On an edit a "hold" word counts as a "flag" (see above); a moderator's own hold words flag too.
  const flagged = [...new Set([...hits.flag, ...(exempt || isEdit(kind) ? hits.hold : [])])];
  return { verdict: "publish", flagged };
}

/**
 * New-member review, in one query: the organization holds the first N (> 0) writings of a member,
 * and the member has fewer than N published posts (not removed by a moderator) and chat messages in
  * its groups (counted up to 5, the highest N). Held items don't count: they are not published.
 */
async function isNewMember(db: Database | Transaction, authorId: string, organizationId: string): Promise<boolean> {
  const result = await db.execute(sql`
    select o.new_member_holds as holds,
      case when o.new_member_holds > 0 then
        (select count(*) from (select 1 from ${posts} p
            join ${threads} t on t.id = p.thread_id
            join ${groups} g on g.id = t.group_id
          where p.author_id = ${authorId} and g.organization_id = o.id
            and (p.deleted_at is null or p.deleted_by = p.author_id)
          limit 5) sp)
        + (select count(*) from (select 1 from ${chatMessages} m
            join ${chatRooms} r on r.id = m.room_id
            join ${groups} g on g.id = r.group_id
          where m.author_id = ${authorId} and g.organization_id = o.id and m.kind <> 'system'
            and (m.deleted_at is null or m.deleted_by = m.author_id)
          limit 5) sm)
      else 0 end as published
    from ${organizations} o where o.id = ${organizationId}`);
  const [row] = rowsOf<{ holds: number | string; published: number | string }>(result);
  return !!row && Number(row.holds) > 0 && Number(row.published) < Number(row.holds);
}

/** The group's organization, for callers whose group view doesn't carry it. */
export async function organizationOf(db: Database | Transaction, groupId: string): Promise<string> {
  const result = await db.execute(sql`select organization_id from ${groups} where id = ${groupId}`);
  const [row] = rowsOf<{ organization_id: string }>(result);
  if (!row) throw Invalid("That group no longer exists.");
  return row.organization_id;
}

/** screenContent for a write in a group known by id (looks up its organization first). */
export async function screenGroupWrite(
  db: Database | Transaction,
  input: Omit<ScreenInput, "group" | "confirmedPersonal"> & { groupId: string; target: GroupTarget; confirmedPersonal?: boolean },
): Promise<Screening> {
  const organizationId = await organizationOf(db, input.groupId);
  return screenContent(db, {
    actor: input.actor,
    kind: input.kind,
    texts: input.texts,
    confirmedPersonal: input.confirmedPersonal ?? false,
    group: { id: input.groupId, organizationId, target: input.target },
  });
}
