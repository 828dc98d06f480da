import { and, eq, inArray, isNull, not, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { chatMessages, chatRooms, groupMemberships, groups, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { messageHref } from "#app/lib/chat-links";
import { parseMentions } from "#app/lib/mentions";
import type { NotificationSource } from "#app/modules/notifications/sources.server";
import type { NotificationDraft } from "#app/modules/notifications/record.server";
import { loadLivePost, plainExcerpt } from "./notify.server";
import { mutedForSql } from "./reading.server";

/**
 * @mentions on the server: the "mentions" notification source for forum posts and chat messages
 * (the autocomplete's member search is groups/mention-candidates.server.ts). Names are resolved when the job runs (the post may have been edited or removed since);
 * recordNotifications then keeps only people who may read the place (posts: forum.read on the
 * group; chat: the room), so a mention never reaches someone outside it.
 * Muted (the thread, or the whole group: mutedForSql) means nothing at all, mentions included (as Discourse).
 */

/**
 * The mentioned names → active, undeleted accounts who did not mute the place (one query; names are
 * unique case-insensitively). `muted` is the SQL for "this user muted it", given the users.id column.
 */
async function mentioned(app: AppContext, text: string, muted: (userId: SQL) => SQL<boolean>): Promise<string[]> {
  const keys = parseMentions(text);
  if (keys.length === 0) return [];
  const rows = await app.db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(sql<string>`lower(${users.displayName})`, keys), isNull(users.deletedAt), not(muted(sql`${users.id}`))));
  return rows.map((r) => r.id);
}

async function postDrafts(app: AppContext, postId: string): Promise<NotificationDraft[]> {
  const row = await loadLivePost(app, postId);
  if (!row) return [];
  const recipients = await mentioned(app, row.body, (userId) => mutedForSql(userId, sql`${row.threadId}`, sql`${row.groupId}`));
  if (recipients.length === 0) return [];
  return [
    {
      kind: "mention",
      recipients,
      audience: { group: row.groupId, may: "forum.read", membersOnly: row.membersOnly },
      title: `${row.authorName} mentioned you in “${row.title}”`,
      body: plainExcerpt(row.body),
      link: row.link,
      groupId: row.groupId,
      actorId: row.authorId,
      dedupeKey: `mention:post:${postId}`,
    },
  ];
}

async function chatDrafts(app: AppContext, messageId: string): Promise<NotificationDraft[]> {
  const [row] = await app.db
    .select({
      body: chatMessages.body,
      seq: chatMessages.seq,
      authorId: chatMessages.authorId,
      authorName: users.displayName,
      roomId: chatRooms.id,
      roomName: chatRooms.name,
      groupId: groups.id,
      groupSlug: groups.slug,
    })
    .from(chatMessages)
    .innerJoin(chatRooms, eq(chatRooms.id, chatMessages.roomId))
    // Group rooms only: in a direct conversation every member already hears of each message through
    // its direct_message notice (chat/direct-notify.server.ts), so a mention there would tell them twice.
    .innerJoin(groups, eq(groups.id, chatRooms.groupId))
    .innerJoin(users, eq(users.id, chatMessages.authorId))
    // Auto-hidden pending review: its words reach nobody, not even in a mention's excerpt.
    .where(and(eq(chatMessages.id, messageId), isNull(chatMessages.deletedAt), isNull(chatMessages.hiddenAt)))
    .limit(1);
  if (!row) return [];
  // A muted group is quiet in its chat rooms too.
  const recipients = await mentioned(
    app,
    row.body,
    (userId) => sql<boolean>`exists (select 1 from ${groupMemberships} gm where gm.group_id = ${row.groupId} and gm.user_id = ${userId} and gm.notification_level = 'muted')`,
  );
  if (recipients.length === 0) return [];
  return [
    {
      kind: "mention",
      recipients,
      audience: { room: row.roomId },
      title: `${row.authorName} mentioned you in the chat room ${row.roomName}`,
      body: plainExcerpt(row.body),
      // The permalink: the room opens at the message (history around it), focused.
      link: messageHref({ roomId: row.roomId, groupSlug: row.groupSlug }, Number(row.seq)),
      groupId: row.groupId,
      actorId: row.authorId,
      dedupeKey: `mention:chat:${messageId}`,
    },
  ];
}

const MentionData = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("post"), postId: z.string().min(1).max(64) }),
  z.object({ kind: z.literal("chat"), messageId: z.string().min(1).max(64) }),
]);

/**
 * Queued after a post is created or edited, or a chat message sent, when its text has a mention.
 * The dedupe key is per post/message and person, so an edit that adds a name notifies only them.
 */
export const mentionSource = {
  data: MentionData,
  resolve: (app, data) => (data.kind === "post" ? postDrafts(app, data.postId) : chatDrafts(app, data.messageId)),
} satisfies NotificationSource<typeof MentionData>;
