import { and, asc, eq } from "drizzle-orm";
import { heldContent, type HeldPayload } from "#db/schema/index";
import type { Database, Transaction } from "#db/client";
import type { AppContext } from "#app/lib/app-context.server";
import { Conflict } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { announceHeld } from "#app/modules/moderation/held-count.server";
import type { Screening } from "./screen.server";

/**
 * Held writing (docs/decisions/0020): a thread, reply or chat message that waits in held_content for
 * a moderator instead of being written to the content tables. Only its author ever sees it here.
 */

type Hold = Extract<Screening, { verdict: "hold" }>;

export interface HoldInput {
  kind: "thread" | "post" | "chat_message";
  groupId: string;
  authorId: string;
  threadId?: string | null;
  roomId?: string | null;
  title?: string | null;
  body: string;
  payload?: HeldPayload;
}

/**
 * Stores the held row (committed: no transaction of the caller's) and answers what the caller returns
 * to the author. Nothing is published, notified or broadcast to members; only the group's moderators
 * hear their new held count (announceHeld).
 */
export async function holdContent(app: AppContext, input: HoldInput, hold: Hold): Promise<{ held: true; heldId: string }> {
  const heldId = newId();
  await app.db.insert(heldContent).values({
    id: heldId,
    kind: input.kind,
    groupId: input.groupId,
    authorId: input.authorId,
    threadId: input.threadId ?? null,
    roomId: input.roomId ?? null,
    title: input.title ?? null,
    body: input.body,
    payload: input.payload ?? {},
    reason: hold.reason,
    matched: hold.matched,
  });
  await announceHeld(app, input.groupId);
  return { held: true, heldId };
}

/** One pending item as its author sees it: what it starts with, and when. */
export interface OwnPending {
  id: string;
  kind: "thread" | "post" | "chat_message";
  /** The thread's title, or the first line of a reply or message. */
  label: string;
  body: string;
  clientId: string | null;
  createdAt: Date;
}

/**
 * The viewer's own pending items in one place: new threads of a group (`threads`), replies to a
 * thread (`threadId`) or messages in a room (`roomId`). Oldest first. Others' items never.
 */
export async function ownPending(
  db: Database | Transaction,
  authorId: string | null | undefined,
  where: { groupId: string; kind: "thread" } | { threadId: string } | { roomId: string },
): Promise<OwnPending[]> {
  if (!authorId) return [];
  const place =
    "groupId" in where
      ? and(eq(heldContent.groupId, where.groupId), eq(heldContent.kind, "thread"))
      : "threadId" in where
        ? and(eq(heldContent.threadId, where.threadId), eq(heldContent.kind, "post"))
        : and(eq(heldContent.roomId, where.roomId), eq(heldContent.kind, "chat_message"));
  const rows = await db
    .select({ id: heldContent.id, kind: heldContent.kind, title: heldContent.title, body: heldContent.body, payload: heldContent.payload, createdAt: heldContent.createdAt })
    .from(heldContent)
    .where(and(eq(heldContent.authorId, authorId), eq(heldContent.status, "pending"), place))
    .orderBy(asc(heldContent.createdAt), asc(heldContent.id))
    .limit(50);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    label: labelOf(r.title, r.body),
    body: r.body,
    clientId: r.payload.clientId ?? null,
    createdAt: r.createdAt,
  }));
}

function labelOf(title: string | null, body: string): string {
  const line = (title ?? "").trim() || body.trim().split("\n")[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/**
 * For callers that can only show published writing (jobs, moves, tests of the plain write path):
 * the result, or a Conflict when the write was held instead (it is stored and waits; nothing lost).
 */
export function publishedOnly<T extends { held: boolean }>(result: T): Exclude<T, { held: true }> {
  if (result.held) throw Conflict("This is waiting for a moderator's review, so it isn't published yet.");
  return result as Exclude<T, { held: true }>;
}
