import { z } from "zod";

export const NotificationActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a notification.") }),
  z.object({ intent: z.literal("read-all") }),
]);
