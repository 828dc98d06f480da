import { z } from "zod";
import type { AppContext } from "#app/lib/app-context.server";

/**
 * The `notifications.email` job: mails one notification row that is due (status pending → sending →
 * sent), re-checking access and the preference first. FOUNDATION STUB: the delivery helper fills it in.
 */
export const notificationEmailJob = {
  payload: z.object({ notificationId: z.string().min(1).max(64) }),
  async run(_app: AppContext, _data: { notificationId: string }) {},
};
