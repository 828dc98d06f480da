import { z } from "zod";

export const reportReasons = ["spam", "harassment", "medical_misinformation", "crisis", "other"] as const;

/** What the report form and the chat `message:report` event show people. */
export const reportReasonLabels: Record<(typeof reportReasons)[number], string> = {
  spam: "Spam or advertising",
  harassment: "Harassment or unkindness",
  medical_misinformation: "Unverified medical claim",
  crisis: "Someone may be in crisis or unsafe",
  other: "Something else",
};

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
