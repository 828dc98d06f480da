import { z } from "zod";

/**
 * A keyset cursor as it comes from the query string: opaque and bounded; anything else reads as no
 * cursor (the first page). decodeCursor (cursor.ts) checks its contents against the query's key.
 */
export const CursorParamSchema = z.string().max(2048).optional().catch(undefined);

/** `?after=` / `?before=` of one paged list. */
export const PageQuerySchema = z.object({ after: CursorParamSchema, before: CursorParamSchema });
