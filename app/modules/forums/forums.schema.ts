import { z } from "zod";
import { singleLine } from "#app/lib/single-line";
import { ModerationReasonSchema, ReportSchema } from "#app/modules/moderation/moderation.schema";

export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;

const count = (n: number) => n.toLocaleString("en-GB");

export const ThreadIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a thread address.");
export const PostIdSchema = z.string({ required_error: "Choose a post." }).regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a post.");

export const TitleSchema = z
  .string({ required_error: "Give your thread a title." })
  .trim()
  .min(3, "Use at least 3 characters for the title.")
  .superRefine((v, ctx) => {
    if (v.length > TITLE_MAX) {
      ctx.addIssue({ code: "custom", message: `Use at most ${TITLE_MAX} characters for the title (you have ${count(v.length)}).` });
    }
  })
  .refine(...singleLine("title"));

export const BodySchema = z
  .string({ required_error: "Write something first." })
  .trim()
  .min(1, "Write something first.")
  .superRefine((v, ctx) => {
    if (v.length > BODY_MAX) {
      ctx.addIssue({ code: "custom", message: `Use at most ${count(BODY_MAX)} characters (you have ${count(v.length)}).` });
    }
  });

/** "Preview" and "Post" are two buttons of one form; both send everything typed. */
export const ComposeIntentSchema = z.enum(["preview", "post"]).default("post");

/**
 * "Post anyway": the hidden field the personal-data step (app/components/personal-data-check.tsx)
 * sends once the author saw the question; anything but "1" (or nothing) is no.
 */
export const ConfirmPersonalSchema = z
  .string()
  .optional()
  .transform((v) => v === "1");

export const NewThreadSchema = z.object({
  intent: ComposeIntentSchema,
  title: TitleSchema,
  body: BodySchema,
  confirmPersonal: ConfirmPersonalSchema,
  /** "Members only" (a checkbox, offered where visitors can read the forum): absent when unticked. */
  membersOnly: z.boolean().optional(),
});
export type NewThreadInput = z.infer<typeof NewThreadSchema>;

export const ReplySchema = z.object({ intent: ComposeIntentSchema, body: BodySchema, confirmPersonal: ConfirmPersonalSchema });

/** Editing: the opening post's form also carries the title. */
export const EditPostSchema = z.object({ intent: ComposeIntentSchema, title: TitleSchema.optional(), body: BodySchema, confirmPersonal: ConfirmPersonalSchema });

export const reactionKinds = ["helpful", "hug", "same_here"] as const;
export type ReactionKind = (typeof reactionKinds)[number];
export const reactionLabels: Record<ReactionKind, string> = { helpful: "Helpful", hug: "Hug", same_here: "Same here" };

/** Everything the thread page's smaller forms post (reply has its own Conform form). */
export const ThreadActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("react"), postId: PostIdSchema, kind: z.enum(reactionKinds, { errorMap: () => ({ message: "Choose a reaction." }) }) }),
  z.object({ intent: z.literal("delete"), postId: PostIdSchema }),
  ReportSchema.extend({ intent: z.literal("report"), postId: PostIdSchema }),
  z.object({ intent: z.enum(["pin", "unpin", "lock", "unlock", "restore-thread"]) }),
  z.object({ intent: z.literal("remove-thread"), reason: ModerationReasonSchema }),
  z.object({ intent: z.literal("remove-post"), postId: PostIdSchema, reason: ModerationReasonSchema }),
  z.object({ intent: z.literal("restore-post"), postId: PostIdSchema }),
]);
export type ThreadAction = z.infer<typeof ThreadActionSchema>;

/** Site-wide and per-group search. */
export const SEARCH_PAGE_SIZE = 20;
export const SEARCH_MAX_PAGES = 10;
/**
 * Matches ranked per search, from bodies and from titles each: the newest ones (search.server.ts).
 * As many as the pages can show.
 */
export const SEARCH_CANDIDATES = SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE;
export const SearchQuerySchema = z.object({
  q: z.string().trim().max(200, "Use at most 200 characters.").default(""),
  group: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
    .max(80)
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(SEARCH_MAX_PAGES).catch(1).default(1),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;
