import { z } from "zod";
import { ResourceIdSchema } from "./library.schema";

/** ?mine=1: only the resources the viewer reviews. Anything else is "everyone's". */
export const UpkeepQuerySchema = z.object({ mine: z.literal("1").optional().catch(undefined) });

/** "Mark reviewed" on the upkeep page. */
export const UpkeepActionSchema = z.object({
  intent: z.literal("review", { errorMap: () => ({ message: "Unknown action." }) }),
  resourceId: ResourceIdSchema,
});
