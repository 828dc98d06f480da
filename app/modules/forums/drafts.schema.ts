import { z } from "zod";
import { BODY_MAX, TITLE_MAX } from "./forums.schema";

/**
 * Server drafts of a new thread, a reply or an edit (issue 15). No server code here: the autosave
 * component reads the same limits and key shapes.
 *
 * A key names where the text will go: `thread:<groupId>` (a new thread in that group),
 * `reply:<threadId>` or `edit:<postId>`.
 */

const id = "[A-Za-z0-9_-]{1,64}";
export const DRAFT_KEY_PATTERN = new RegExp(`^(thread|reply|edit):(${id})$`);

const count = (n: number) => n.toLocaleString("en-GB");

export const DraftKeySchema = z.string({ required_error: "Say which draft." }).regex(DRAFT_KEY_PATTERN, "That is not a draft.");

export const DRAFT_TOO_LONG = `This draft is over ${count(BODY_MAX)} characters, so it is kept on this device only. Shorten it to save it and post it.`;

/** A save: the text as typed (not trimmed: it is the person's own text) and the revision the tab last saw (0: none yet). */
export const SaveDraftSchema = z.object({
  key: DraftKeySchema,
  title: z
    .string()
    .default("")
    .superRefine((v, ctx) => {
      if (v.length > TITLE_MAX) ctx.addIssue({ code: "custom", message: `The title is over ${TITLE_MAX} characters (you have ${count(v.length)}), so this draft is kept on this device only.` });
    }),
  body: z
    .string()
    .default("")
    .superRefine((v, ctx) => {
      if (v.length > BODY_MAX) ctx.addIssue({ code: "custom", message: DRAFT_TOO_LONG });
    }),
  revision: z.coerce.number({ invalid_type_error: "Not a draft revision." }).int().min(0).max(2_000_000_000).default(0),
});
export type SaveDraftInput = z.infer<typeof SaveDraftSchema>;

/** What the drafts route takes: a save, or a discard of one key. */
export const DraftActionSchema = z.discriminatedUnion("intent", [
  SaveDraftSchema.extend({ intent: z.literal("save") }),
  z.object({ intent: z.literal("discard"), key: DraftKeySchema }),
]);

export type DraftKind = "thread" | "reply" | "edit";

export function parseDraftKey(key: string): { kind: DraftKind; id: string } | null {
  const m = DRAFT_KEY_PATTERN.exec(key);
  return m ? { kind: m[1] as DraftKind, id: m[2]! } : null;
}

/** A stored draft as the browser sees it (times as ISO text). */
export interface DraftView {
  key: string;
  title: string;
  body: string;
  revision: number;
  updatedAt: string;
}
