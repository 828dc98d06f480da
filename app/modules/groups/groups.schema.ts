import { z } from "zod";

export const GroupSlugSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Not a group address.");

/** The buttons on a group page post one of these intents. */
export const MembershipIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("join") }),
  z.object({ intent: z.literal("leave") }),
  z.object({
    intent: z.enum(["approve", "decline"]),
    userId: z.string({ required_error: "Choose a request." }).min(1).max(64),
  }),
]);
export type MembershipIntent = z.infer<typeof MembershipIntentSchema>;

/** Keyset cursor: the last row's sort key, opaque to the browser. */
export const CursorSchema = z.string().max(300).optional();
