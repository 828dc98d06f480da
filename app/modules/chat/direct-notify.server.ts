import { and, eq, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import { chatMessages, chatRoomMembers, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { messageHref } from "#app/lib/chat-links";
import type { NotificationDraft } from "#app/modules/notifications/record.server";

/**
 * The "chat.direct-message" notification source: a new message in a direct conversation tells its
 * other current members. Never the body (it may be health data, and notices can be e-mailed):
 * "X sent you a message". Consecutive messages of one conversation fold into one unread notice
 * (batch, keyed by the room), like reactions; recordNotifications drops anyone who can no longer read it.
 */

const id = z.string().min(1).max(64);
const directData = z.object({ roomId: id, messageId: id });

export const directMessageSource = {
  data: directData,
  async resolve(app: AppContext, data: z.infer<typeof directData>): Promise<NotificationDraft[]> {
    const [message] = await app.db
      .select({ seq: chatMessages.seq, authorId: chatMessages.authorId, deletedAt: chatMessages.deletedAt, authorName: users.displayName })
      .from(chatMessages)
      .innerJoin(users, eq(users.id, chatMessages.authorId))
      .where(and(eq(chatMessages.id, data.messageId), eq(chatMessages.roomId, data.roomId)));
    if (!message || message.deletedAt) return [];
    const others = await app.db
      .select({ userId: chatRoomMembers.userId })
      .from(chatRoomMembers)
      .where(and(eq(chatRoomMembers.roomId, data.roomId), isNull(chatRoomMembers.leftAt), ne(chatRoomMembers.userId, message.authorId)));
    if (others.length === 0) return [];
    return [
      {
        kind: "direct_message",
        recipients: others.map((o) => o.userId),
        audience: { room: data.roomId },
        title: `${message.authorName} sent you a message`,
        link: messageHref({ roomId: data.roomId, groupSlug: null }, Number(message.seq)),
        actorId: message.authorId,
        dedupeKey: `direct-message:${data.roomId}`,
        batch: true,
      },
    ];
  },
};
