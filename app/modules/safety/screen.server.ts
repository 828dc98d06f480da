import type { Database, Transaction } from "#db/client";
import type { Actor, GroupTarget } from "#app/policy.server";

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

/**
 * The one gate every forum and chat write passes before it stores anything: a "block" word refuses
 * (Invalid), personal data without confirmation asks (NeedsConfirmation), then holds (watched words'
 * "hold", new-member review) and flags. The group's moderators (`safety.exempt`) skip the holds and
 * the personal-data question; "block" words still apply to them.
 * STUB (foundation): the hold-pipeline helper implements it; the signature is fixed for the round.
 */
export async function screenContent(_db: Database | Transaction, _input: ScreenInput): Promise<Screening> {
  return { verdict: "publish", flagged: [] };
}
