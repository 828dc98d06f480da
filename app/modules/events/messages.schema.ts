import { z } from "zod";
import { singleLine } from "#app/lib/single-line";

/** Organizers' messages to an event's attendees (app/modules/events/messages.server.ts). */

export const MESSAGE_SUBJECT_MAX = 120;
export const MESSAGE_BODY_MAX = 5_000;

/** Who a message can address: the people holding, waiting for, or maybe taking a place (never "not going"). */
export const MESSAGE_AUDIENCES = ["going", "waitlisted", "maybe"] as const;
export type MessageAudience = (typeof MESSAGE_AUDIENCES)[number];
export const audienceLabels: Record<MessageAudience, string> = { going: "Going", waitlisted: "Waitlisted", maybe: "Maybe" };

const count = (n: number) => n.toLocaleString("en-GB");

export const EventMessageSchema = z.object({
  audience: z
    .array(z.enum(MESSAGE_AUDIENCES, { errorMap: () => ({ message: "Choose going, waitlisted or maybe." }) }), {
      required_error: "Choose at least one group of people to write to.",
      invalid_type_error: "Choose at least one group of people to write to.",
    })
    .min(1, "Choose at least one group of people to write to.")
    .max(MESSAGE_AUDIENCES.length)
    // A forged form that names a status twice still addresses each person once.
    .transform((a) => [...new Set(a)]),
  subject: z
    .string({ required_error: "Give the message a subject." })
    .trim()
    .min(1, "Give the message a subject.")
    .max(MESSAGE_SUBJECT_MAX, `Use at most ${MESSAGE_SUBJECT_MAX} characters for the subject.`)
    .refine(...singleLine("subject")),
  body: z
    .string({ required_error: "Write the message." })
    .trim()
    .min(1, "Write the message.")
    .superRefine((v, ctx) => {
      if (v.length > MESSAGE_BODY_MAX) ctx.addIssue({ code: "custom", message: `Use at most ${count(MESSAGE_BODY_MAX)} characters (you have ${count(v.length)}).` });
    }),
});
export type EventMessageInput = z.infer<typeof EventMessageSchema>;

export const DISCUSSION_KINDS = ["thread", "room"] as const;
export const OpenDiscussionSchema = z.object({
  intent: z.literal("open-discussion"),
  kind: z.enum(DISCUSSION_KINDS, { errorMap: () => ({ message: "Choose a forum thread or a chat room." }) }),
});
