import { z } from "zod";
import { CursorParamSchema } from "#app/lib/cursor-param";

export const reportReasons = ["spam", "harassment", "medical_misinformation", "crisis", "other"] as const;

/** What the report form and the chat `message:report` event show people. */
export const reportReasonLabels: Record<(typeof reportReasons)[number], string> = {
  spam: "Spam or advertising",
  harassment: "Harassment or unkindness",
  medical_misinformation: "Unverified medical claim",
  crisis: "Someone may be in crisis or unsafe",
  other: "Something else",
};

/** Reasons only the system raises (a watched word's "flag"): never offered to people reporting. */
export const automaticReasonLabels: Record<"watched_word", string> = { watched_word: "Flagged by a watched word" };
/** Every report reason as the queue and notices show it, member-filed or automatic. */
export const anyReasonLabels = { ...reportReasonLabels, ...automaticReasonLabels };

export const ReportSchema = z.object({
  reason: z.enum(reportReasons, { errorMap: () => ({ message: "Choose a reason." }) }),
  details: z.string().trim().max(1000, "Use at most 1,000 characters.").optional().default(""),
});
export type ReportInput = z.infer<typeof ReportSchema>;

/** A moderator's reason for removing content or sanctioning someone: required, short. */
export const ModerationReasonSchema = z
  .string({ required_error: "Give a reason: the author will see it." })
  .trim()
  .min(3, "Give a reason of at least 3 characters: the author will see it.")
  .max(500, "Use at most 500 characters.");

const Id = z.string({ required_error: "That item is missing. Please reload the page." }).regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a valid item.");
export const reportTargetTypes = ["thread", "post", "chat_message", "user"] as const;

/** How long a group-wide mute lasts: a few fixed choices (no typing numbers). */
export const groupMuteChoices = [
  { minutes: 60, label: "1 hour" },
  { minutes: 24 * 60, label: "1 day" },
  { minutes: 3 * 24 * 60, label: "3 days" },
  { minutes: 7 * 24 * 60, label: "1 week" },
  { minutes: 30 * 24 * 60, label: "30 days" },
] as const;

/**
 * A queue item is the content (or person) and the group its reports were filed under: a person
 * reported in two groups is two items, each decided by that group's moderators alone.
 * "" stands for reports outside any group (site administrators only).
 */
const target = {
  targetType: z.enum(reportTargetTypes, { errorMap: () => ({ message: "Not a reported item." }) }),
  targetId: Id,
  groupId: z
    .union([Id, z.literal("")], {
      errorMap: (_issue, ctx) => ({ message: ctx.data === undefined ? "That item is missing. Please reload the page." : "Not a valid item." }),
    })
    .transform((v) => v || null),
};

/** The queue page's query: reports and appeals page on their own. */
export const QueuePagingSchema = z.object({
  after: CursorParamSchema,
  before: CursorParamSchema,
  appealsAfter: CursorParamSchema,
  appealsBefore: CursorParamSchema,
});

/** The queue item's key on the page and in the decision's feedback: content and group. */
export function queueItemKey(item: { targetType: string; targetId: string; groupId: string | null }) {
  return `${item.targetType}:${item.targetId}:${item.groupId ?? ""}`;
}

/** One decision on a queue item (every open report about the same content is resolved with it). */
export const QueueActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("dismiss"), ...target, reason: z.string().trim().max(500, "Use at most 500 characters.").optional().default("") }),
  z.object({ intent: z.literal("remove"), ...target, reason: ModerationReasonSchema }),
  z.object({ intent: z.literal("warn"), ...target, reason: ModerationReasonSchema }),
  z.object({
    intent: z.literal("mute"),
    ...target,
    reason: ModerationReasonSchema,
    minutes: z.coerce
      .number({ invalid_type_error: "Choose how long the mute lasts." })
      .refine((m) => groupMuteChoices.some((c) => c.minutes === m), "Choose how long the mute lasts."),
  }),
  z.object({ intent: z.literal("ban"), ...target, reason: ModerationReasonSchema }),
  z.object({ intent: z.literal("escalate"), ...target, reason: ModerationReasonSchema }),
]);
export type QueueAction = z.infer<typeof QueueActionSchema>;

export const AppealDecisionSchema = z.object({
  intent: z.enum(["uphold", "overturn"], { errorMap: () => ({ message: "Choose uphold or overturn." }) }),
  appealId: Id,
  note: ModerationReasonSchema,
});

export const AppealSchema = z.object({
  body: z
    .string({ required_error: "Tell the moderators why you think this decision was wrong." })
    .trim()
    .min(10, "Write at least 10 characters so the moderators understand.")
    .max(2000, "Use at most 2,000 characters."),
});

export const SuspendSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("suspend"),
    displayName: z.string({ required_error: "Give the person's display name." }).trim().min(1, "Give the person's display name.").max(64, "That name is too long."),
    reason: ModerationReasonSchema,
  }),
  z.object({ intent: z.literal("lift"), userId: Id, reason: ModerationReasonSchema }),
]);

/** Audit-log filters (all optional); the action filter is a prefix such as "post." or "group.ban". */
export const AuditFilterSchema = z.object({
  action: z.string().trim().max(40).regex(/^[a-z_.]*$/, "Not an action name.").optional().default(""),
  actor: z.string().trim().max(64).optional().default(""),
  subject: z.string().trim().max(64).optional().default(""),
  group: z.string().trim().max(80).regex(/^[a-z0-9-]*$/, "Not a group address.").optional().default(""),
  after: z.string().max(300).optional(),
});
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

/**
 * Phrases that suggest someone may be in crisis. Matching one never blocks a post or message: the
 * author just sees a gentle prompt with a link to "Get help now". Lower-case; matched on word
 * boundaries, ignoring case and repeated spaces. Deliberately short: a prompt, not a diagnosis.
 */
export const CRISIS_PHRASES = [
  "kill myself",
  "end my life",
  "end it all",
  "want to die",
  "wish i was dead",
  "wish i were dead",
  "suicide",
  "suicidal",
  "hurt myself",
  "self harm",
  "self-harm",
  "no reason to live",
  "can't go on",
  "cannot go on",
] as const;

export function matchesCrisisPhrase(text: string, phrases: readonly string[] = CRISIS_PHRASES): boolean {
  const normal = text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, " ");
  return phrases.some((p) => new RegExp(`(^|[^a-z])${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z])`).test(normal));
}
