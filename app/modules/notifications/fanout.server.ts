import { z } from "zod";
import type { AppContext } from "#app/lib/app-context.server";
import { newId } from "#app/lib/ids.server";
import { recordNotifications } from "./record.server";
import { notificationSources, type NotificationSource, type NotificationSourceData, type NotificationSourceName } from "./sources.server";

const sourceNames = Object.keys(notificationSources) as [string, ...string[]];

/**
 * Queues the fan-out for something that happened (a reply, a mention, a report). Call after its
 * transaction committed; the request pays for one queue insert, the job does the rest. `key` makes a
 * repeated call (a retried request) a no-op while the first is still queued.
 */
export async function queueNotification<N extends NotificationSourceName>(app: AppContext, source: N, data: NotificationSourceData<N>, key?: string) {
  // The queue is exclusive per key (below): without a key of its own, each call gets a unique one.
  await app.jobs.enqueue("notifications.fanout", { source, data }, { key: `fanout:${source}:${key ?? newId()}` });
}

/** The `notifications.fanout` job: resolve the source, then record each draft (idempotent per recipient). */
export const fanoutJob = {
  payload: z.object({
    source: sourceNames.length ? z.enum(sourceNames) : z.string().max(64),
    data: z.unknown(),
  }),
  async run(app: AppContext, { source, data }: { source: string; data?: unknown }) {
    const s = (notificationSources as Record<string, NotificationSource<z.ZodTypeAny>>)[source];
    if (!s) throw new Error("unknown notification source");
    for (const draft of await s.resolve(app, s.data.parse(data))) await recordNotifications(app, draft);
  },
  // One queued-or-running job per key; every enqueue above passes one.
  queue: { policy: "exclusive" as const },
};
