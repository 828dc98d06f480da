import { z } from "zod";
import { parsePattern } from "./watched-words";

/** What a watched word does: refuse the text, hold it for a moderator, or publish it and file a report. */
export const watchedActions = ["block", "hold", "flag"] as const;
export type WatchedAction = (typeof watchedActions)[number];

/** Block beats hold beats flag: a word on both lists (or twice in a file) does the strongest thing. */
export const actionStrength: Record<WatchedAction, number> = { flag: 1, hold: 2, block: 3 };

export const watchedActionLabels: Record<WatchedAction, { label: string; explanation: string; verb: string }> = {
  block: { label: "Block", explanation: "The text is refused and the writer asked to rephrase it.", verb: "would block" },
  hold: { label: "Hold for review", explanation: "A post or message waits for a moderator before anyone sees it.", verb: "would hold" },
  flag: { label: "Flag", explanation: "The text is published and a report goes to the moderators.", verb: "would flag" },
};

/** Most words a list (one organization's, or the site's) keeps, and what one CSV import may carry. */
export const WATCHED_LIST_MAX = 2000;
export const WATCHED_CSV_MAX_ROWS = 2000;
export const WATCHED_CSV_MAX_BYTES = 256 * 1024;
/** The test box: as long as the longest post. */
export const WATCHED_SAMPLE_MAX = 20_000;

const ActionSchema = z.enum(watchedActions, { errorMap: () => ({ message: "Choose Block, Hold for review or Flag." }) });

/** A typed pattern, parsed and normalised (letters, digits, spaces and * only). */
export const WatchedPatternSchema = z
  .string({ required_error: "Please type a word or phrase." })
  .max(500, "A watched word is at most 64 characters.")
  .transform((s, ctx) => {
    const parsed = parsePattern(s);
    if (parsed.ok) return parsed.pattern;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error });
    return z.NEVER;
  });

export const AddWatchedWordSchema = z.object({ pattern: WatchedPatternSchema, action: ActionSchema });
export type AddWatchedWordInput = z.infer<typeof AddWatchedWordSchema>;

export const RemoveWatchedWordSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a valid item.") });

export const SampleTextSchema = z.object({
  sample: z
    .string({ required_error: "Type a sample text to try." })
    .trim()
    .min(1, "Type a sample text to try.")
    .max(WATCHED_SAMPLE_MAX, `Use at most ${WATCHED_SAMPLE_MAX.toLocaleString("en")} characters.`),
});

/** The page's forms, by their `form` field. */
export const WatchedFormNameSchema = z.enum(["add", "remove", "import", "test"]);

export const WatchedActionSchema = ActionSchema;
