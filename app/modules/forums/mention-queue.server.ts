import type { AppContext } from "#app/lib/app-context.server";
import { parseMentions } from "#app/lib/mentions";
import { queueNotification } from "#app/modules/notifications/fanout.server";

/**
 * After a post (created or edited) or a chat message committed: queue the "mentions" fan-out if its
 * text mentions anyone (text without "@name" costs no job). An edit queues again; the per-person
 * dedupe key means only names new to the post are notified.
 */
export async function queueMentions(app: AppContext, data: { kind: "post"; postId: string } | { kind: "chat"; messageId: string }, text: string, key?: string) {
  if (parseMentions(text).length === 0) return;
  await queueNotification(app, "mentions", data, key);
}
