import { isNotNull, sql } from "drizzle-orm";
import { rowsOf } from "#app/lib/db-rows.server";
import { chatMessages, chatRooms, type ChatVoice } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { NotFound, Unauthenticated } from "#app/lib/errors";
import { logError } from "#app/lib/log.server";
import { assertCan, type Actor } from "#app/policy.server";
import { storageFor } from "#app/modules/library/storage.server";
import { changeRoom, groupRoomOnly, loadRoom } from "./chat.server";
import { retentionText, type RetentionDays } from "./retention.schema";

/**
 * Retention: an organization's owners and admins choose how long a room keeps its messages, and a
 * minute sweep deletes the older ones (never the pinned one) in bounded batches.
 */

/** Sets a room's retention (audited) and tells its live readers at once. */
export async function setRetention(app: AppContext, viewer: Actor | null, slug: string, input: { roomId: string; days: RetentionDays }) {
  if (!viewer) throw Unauthenticated();
  // A direct conversation belongs to no organization: it has no retention to set.
  const room = groupRoomOnly(await loadRoom(app, viewer, input.roomId));
  if (room.group.slug !== slug) throw NotFound("That room");
  assertCan(viewer, "chat.setRetention", room.group.target, "That room");
  if (room.retentionDays === input.days) return { id: room.id, name: room.name, days: input.days, changed: false };
  await changeRoom(app, viewer, room, {
    set: { retentionDays: input.days },
    action: "chat.room.retention",
    details: { from: room.retentionDays, to: input.days },
    notice: retentionText(input.days),
  });
  return { id: room.id, name: room.name, days: input.days, changed: true };
}

/** Rows per DELETE statement, and statements per room per run: a huge backlog is worked off over several minutes, never in one long lock. */
export const RETENTION_BATCH = 1000;
export const RETENTION_BATCHES_PER_RUN = 3;


/**
 * The retention sweep: per room with a retention, deletes messages created before now − days,
 * never the room's pinned message (read in the same statement, so a pin made a moment ago holds),
 * oldest first, in bounded batches. Reactions and versions cascade; replies keep working (their
 * quote says the original is no longer available). Voice files go after their rows are gone, so a
 * failure leaves an orphan file, never a message whose recording is missing.
 *
 * Live clients are not told message by message: what goes is at least 30 days old, which a client
 * holds only if someone scrolled that far back, and the room states its policy in words. One
 * deleted event per removed row would flood every open room each minute for nothing.
 */
export async function retentionSweep(app: AppContext, now: Date, opts: { batch?: number; batchesPerRun?: number } = {}): Promise<void> {
  const batch = opts.batch ?? RETENTION_BATCH;
  const batches = opts.batchesPerRun ?? RETENTION_BATCHES_PER_RUN;
  const rooms = await app.db
    .select({ id: chatRooms.id, days: chatRooms.retentionDays })
    .from(chatRooms)
    .where(isNotNull(chatRooms.retentionDays));
  const storage = storageFor(app);
  for (const room of rooms) {
    const cutoff = new Date(now.getTime() - room.days! * 86_400_000).toISOString();
    for (let i = 0; i < batches; i++) {
      const result = await app.db.execute(sql`
        delete from ${chatMessages} where id in (
          select m.id from ${chatMessages} m
          where m.room_id = ${room.id} and m.created_at < ${cutoff}::timestamptz
            and m.id is distinct from (select r.pinned_message_id from ${chatRooms} r where r.id = ${room.id})
          order by m.created_at
          limit ${batch}
        )
        returning id, voice`);
      const removed = rowsOf<{ id: string; voice: ChatVoice | string | null }>(result);
      for (const r of removed) {
        const voice = typeof r.voice === "string" ? (JSON.parse(r.voice) as ChatVoice) : r.voice;
        if (!voice?.key) continue;
        try {
          await storage.delete(voice.key);
        } catch (e) {
          logError("retention: voice file not removed", e, { route: "sweep:chat.retention" });
        }
      }
      if (removed.length < batch) break;
    }
  }
}
