import { z } from "zod";

/** The author withdraws one of their own pending items (forum page, thread page). */
export const WithdrawHeldSchema = z.object({
  intent: z.literal("withdraw-held"),
  heldId: z.string({ required_error: "Choose an item." }).regex(/^[A-Za-z0-9_-]{1,64}$/, "Not an item."),
});

export const HELD_THANKS = "Thanks — your post is waiting for a moderator's review. You'll be told when it's published.";
export const HELD_WITHDRAWN = "Withdrawn. It was never published.";
