import { eq } from "drizzle-orm";
import { z } from "zod";
import { groups, threads } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { NotificationDraft } from "#app/modules/notifications/record.server";

/**
 * The "chat.moved" notification source: a moderator moved chat messages into a forum thread, and
 * their authors hear where their words went (in-app only: the kind has no preference type). Read when
 * the job runs: a thread removed since tells nothing; recordNotifications drops anyone who can no
 * longer read the forum.
 */

const id = z.string().min(1).max(64);
const movedData = z.object({ threadId: id, actorId: id, authorIds: z.array(id).min(1).max(200) });

export const chatMovedSource = {
  data: movedData,
  async resolve(app: AppContext, data: z.infer<typeof movedData>): Promise<NotificationDraft[]> {
    const [thread] = await app.db
      .select({ title: threads.title, groupId: threads.groupId, slug: groups.slug, deletedAt: threads.deletedAt })
      .from(threads)
      .innerJoin(groups, eq(groups.id, threads.groupId))
      .where(eq(threads.id, data.threadId));
    if (!thread || thread.deletedAt) return [];
    return [
      {
        kind: "chat_moved",
        recipients: data.authorIds,
        audience: { group: thread.groupId, may: "forum.read" },
        title: `A moderator moved your chat message to the forum: "${thread.title}"`,
        body: "It stays in the room with a link; the conversation continues in the thread.",
        link: `/groups/${thread.slug}/forum/${data.threadId}`,
        groupId: thread.groupId,
        actorId: data.actorId,
        dedupeKey: `chat-moved:${data.threadId}`,
      },
    ];
  },
};
