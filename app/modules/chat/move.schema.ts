import { z } from "zod";
import { TitleSchema } from "#app/modules/forums/forums.schema";

/** Moving chat messages to a forum thread: the move page's form. Shared by the server and the browser. */

/** The most messages one move takes (a message and its replies, transitively). */
export const MOVE_MAX = 200;

const messageId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a message.");

export const MoveToForumSchema = z.object({
  title: TitleSchema,
  /** The checked messages (all are checked at first; a moderator can leave some out). */
  include: z
    .array(messageId, { required_error: "Choose at least one message to move.", invalid_type_error: "Choose at least one message to move." })
    .min(1, "Choose at least one message to move.")
    .max(MOVE_MAX, `A move takes at most ${MOVE_MAX} messages.`),
});
export type MoveToForumInput = z.infer<typeof MoveToForumSchema>;
