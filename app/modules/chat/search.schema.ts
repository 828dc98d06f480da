import { z } from "zod";
import { SearchQuerySchema } from "#app/modules/forums/forums.schema";

/** Results per page of a chat search ("More results" asks for the next page by its cursor). */
export const CHAT_SEARCH_PAGE = 20;

/**
 * A chat search's address: `q` is the site search's own (trimmed, at most 200 characters, with its
 * message); a room or cursor that does not parse is dropped, never a 500 (a room that is not one the
 * reader may read answers 404 in the module).
 */
export const ChatSearchSchema = z.object({
  q: SearchQuerySchema.shape.q,
  room: z.string().min(1).max(64).optional().catch(undefined),
  after: z.string().max(2048).optional().catch(undefined),
});
export type ChatSearchInput = z.infer<typeof ChatSearchSchema>;
