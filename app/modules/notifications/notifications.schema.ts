import { z } from "zod";

const NotificationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a notification.");

/** "read": one line of the page, which may stand for several folded notices (one `id` field each). */
export const NotificationActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: z.array(NotificationId).min(1, "Not a notification.").max(100, "Too many at once.") }),
  z.object({ intent: z.literal("read-all") }),
]);
