import { sql } from "drizzle-orm";
import { reports } from "#db/schema/index";
import type { Database, Transaction } from "#db/client";
import { newId } from "#app/lib/ids.server";
import type { Screening } from "./screen.server";

/**
 * A watched word's "flag": the content is published and an automatic report (no reporter, reason
 * `watched_word`, the matched words as details) puts it in the group's queue beside members' reports.
 * One automatic report per piece of content: a later flagged edit reopens it with the new words.
 * Call after the write has committed. Nothing flagged: nothing filed.
 */
export async function fileWatchedFlag(
  db: Database | Transaction,
  screening: Screening | null | undefined,
  target: { targetType: "thread" | "post" | "chat_message"; targetId: string; groupId: string },
): Promise<void> {
  if (!screening || screening.verdict !== "publish" || screening.flagged.length === 0) return;
  const details = `Watched words: ${screening.flagged.join(", ")}`;
  await db
    .insert(reports)
    .values({ id: newId(), targetType: target.targetType, targetId: target.targetId, groupId: target.groupId, reporterId: null, reason: "watched_word", details })
    .onConflictDoUpdate({
      target: [reports.targetType, reports.targetId, reports.reporterId, reports.groupId],
      set: { details, status: "open", resolvedAt: null, resolvedBy: null, createdAt: sql`now()` },
    });
}
