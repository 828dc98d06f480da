import type { z } from "zod";
import type { AppContext } from "#app/lib/app-context.server";
import { forumNewThreadSource, forumReactionSource, forumReplySource } from "#app/modules/forums/notify.server";
import { joinDecidedSource, joinRequestSource } from "#app/modules/groups/notify.server";
import { reportSource } from "#app/modules/moderation/notify.server";
import { eventNoticeSource } from "#app/modules/events/notify.server";
import { eventMessageSource } from "#app/modules/events/message-notify.server";
import { mentionSource } from "#app/modules/forums/mentions.server";
import { chatMovedSource } from "#app/modules/chat/move-notify.server";
import { directMessageSource } from "#app/modules/chat/direct-notify.server";
import type { NotificationDraft } from "./record.server";

/**
 * A notification source: what its fan-out job carries (ids only, parsed when queued and when run) and
 * how it works out, when the job runs, who should hear about it. `resolve` reads the database as it
 * is then (the post may be gone, the thread muted) and answers drafts; recordNotifications re-checks
 * each recipient against the policy and applies their preferences. Each source lives with its
 * capability and is listed here once.
 */
export interface NotificationSource<S extends z.ZodTypeAny> {
  data: S;
  resolve(app: AppContext, data: z.infer<S>): Promise<NotificationDraft[]>;
}

export const notificationSources = {
  mentions: mentionSource,
  "forums.reply": forumReplySource,
  "forums.new-thread": forumNewThreadSource,
  "forums.reaction": forumReactionSource,
  "moderation.report": reportSource,
  "groups.join-request": joinRequestSource,
  "groups.join-decided": joinDecidedSource,
  "events.notice": eventNoticeSource,
  "events.message": eventMessageSource,
  "chat.moved": chatMovedSource,
  "chat.direct-message": directMessageSource,
} satisfies Record<string, NotificationSource<z.ZodTypeAny>>;

export type NotificationSourceName = keyof typeof notificationSources;
export type NotificationSourceData<N extends NotificationSourceName> = z.input<(typeof notificationSources)[N]["data"]>;
