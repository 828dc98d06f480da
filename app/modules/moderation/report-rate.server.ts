import type { AppContext } from "#app/lib/app-context.server";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { fileReport } from "./moderation.server";

/** One budget per reporter across every kind of target (posts, chat messages, members). */
export const reportRate: RateRule = {
  limit: 20,
  windowSeconds: 60 * 60,
  message: "You have sent many reports in a short time. Thank you: the moderators will look at them.",
};

/** fileReport behind the reporter's rate limit: the one way people file reports. The moderators hear of it from a job. */
export async function fileLimitedReport(app: AppContext, input: Parameters<typeof fileReport>[1]) {
  const id = await withinRate(app.limiter, `report:${input.reporterId}`, reportRate, () => fileReport(app.db, input));
  await queueNotification(app, "moderation.report", { reportId: id }, id);
  return id;
}
