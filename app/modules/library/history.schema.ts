import { z } from "zod";

const VersionNumber = z.coerce.number({ invalid_type_error: "Choose a version from the list." }).int("Choose a version from the list.").min(1, "Choose a version from the list.").max(1_000_000, "Choose a version from the list.");

/** ?from=&to= (compare), ?restore= (the confirm step) and ?restored= (done): anything else falls back to the defaults. */
export const HistoryQuerySchema = z.object({
  from: VersionNumber.optional().catch(undefined),
  to: VersionNumber.optional().catch(undefined),
  restore: VersionNumber.optional().catch(undefined),
  restored: VersionNumber.optional().catch(undefined),
});

export const RestoreVersionSchema = z.object({
  intent: z.literal("restore-version", { errorMap: () => ({ message: "Unknown action." }) }),
  version: VersionNumber,
});
