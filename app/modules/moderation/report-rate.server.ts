import type { AppContext } from "#app/lib/app-context.server";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { applyAutoHide, type AutoHideResult } from "./auto-hide.server";
import { fileReport } from "./moderation.server";

/** One budget per reporter across every kind of target (posts, chat messages, members). */
export const reportRate: RateRule = {
  limit: 20,
  windowSeconds: 60 * 60,
  message: "You have sent many reports in a short time. Thank you: the moderators will look at them.",
};

/**
 * fileReport behind the reporter's rate limit: the one way people file reports. The moderators hear of
 * it from a job. Auto-hide counts the reporters in the report's transaction; `onHidden` runs after the
 * commit when this report hid the content (chat broadcasts the change).
 */
export async function fileLimitedReport(
  app: AppContext,
  input: Parameters<typeof fileReport>[1],
  onHidden?: (hidden: Extract<AutoHideResult, { hidden: true }>) => Promise<void>,
) {
  const { id, hide } = await withinRate(app.limiter, `report:${input.reporterId}`, reportRate, () =>
    app.db.transaction(async (tx) => {
      const reportId = await fileReport(tx, input);
      return { id: reportId, hide: await applyAutoHide(tx, input) };
    }),
  );
  await queueNotification(app, "moderation.report", { reportId: id }, id);
  if (hide.hidden && onHidden) await onHidden(hide);
  return id;
}
