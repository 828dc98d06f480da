import { z } from "zod";
import { ModerationReasonSchema, reportReasons } from "#app/modules/moderation/moderation.schema";
import { RetentionDaysSchema } from "./retention.schema";

/** Chat's Zod schemas: one per socket event and room-management form. Shared by the server and the browser. */

export const MAX_MESSAGE_CHARS = 4000;
export const HISTORY_PAGE = 50;
/** Messages returned by one catch-up ("after") request; the client asks again while `hasMore`. */
export const CATCH_UP_PAGE = 200;
/** Sends per user per window, across all rooms. */
export const SEND_RATE = { limit: 5, windowSeconds: 5 };

const id = z.string({ required_error: "Missing id.", invalid_type_error: "Not an id." }).min(1, "Missing id.").max(64, "Not an id.");
const seq = z.number({ invalid_type_error: "Not a sequence number." }).int().min(0).max(Number.MAX_SAFE_INTEGER);

export const RoomIdSchema = id;
export const RoomRefSchema = z.object({ roomId: id }).strict();

export const JoinRoomSchema = z.object({ roomId: id, after: seq.optional() }).strict();

export const HistorySchema = z
  .object({ roomId: id, before: seq.optional(), after: seq.optional() })
  .strict()
  .refine((v) => (v.before === undefined) !== (v.after === undefined), "Ask for messages before or after a point, not both.");

export const MessageBodySchema = z
  .string({ required_error: "Write a message first.", invalid_type_error: "A message must be text." })
  .max(MAX_MESSAGE_CHARS, `A message can be at most ${MAX_MESSAGE_CHARS.toLocaleString("en")} characters.`)
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, "Write a message first.");

export const ClientIdSchema = z
  .string({ required_error: "Missing clientId." })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "clientId must be 8–64 letters, digits, - or _.");

export const SendMessageSchema = z
  .object({
    roomId: id,
    body: MessageBodySchema,
    clientId: ClientIdSchema,
    /** The message this one replies to (in the same room). */
    replyToId: id.optional(),
    /** "Send anyway": the author saw the personal-data question for this text (app/components/personal-data-check.tsx). */
    confirmPersonal: z.boolean({ invalid_type_error: "confirmPersonal must be true or false." }).optional(),
  })
  .strict();

/** The author edits their own text message (a voice note's short note too). */
export const EditMessageSchema = z
  .object({ messageId: id, body: MessageBodySchema, confirmPersonal: z.boolean({ invalid_type_error: "confirmPersonal must be true or false." }).optional() })
  .strict();
/** The author deletes their own message ("deleted by its author"). */
export const DeleteOwnMessageSchema = z.object({ messageId: id }).strict();
/** One message, by id (moderators: its earlier versions). */
export const MessageRefSchema = z.object({ messageId: id }).strict();
export const ReactSchema = z
  .object({
    messageId: id,
    kind: z.enum(["hug", "same_here", "helpful"], { errorMap: () => ({ message: "Choose Hug, Same here or Helpful." }) }),
    reacted: z.boolean({ required_error: "Say whether to add or remove the reaction.", invalid_type_error: "reacted must be true or false." }),
  })
  .strict();
/** A page of history centred on one message (a permalink, or a reply's original older than what is loaded). */
export const AroundSchema = z.object({ roomId: id, seq }).strict();

/** "I have seen the room up to seq": the reading state never moves backwards (server-side). */
export const RoomReadSchema = z.object({ roomId: id, seq }).strict();

export const TypingSchema = z.object({ roomId: id, typing: z.boolean() }).strict();

export const DeleteMessageSchema = z.object({ messageId: id, reason: ModerationReasonSchema }).strict();

/** Mute lengths a moderator can choose, in minutes; 0 lifts a mute. */
export const muteChoices = [
  { minutes: 10, label: "10 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 24 * 60, label: "1 day" },
  { minutes: 7 * 24 * 60, label: "1 week" },
] as const;
export const MuteSchema = z
  .object({
    roomId: id,
    userId: id,
    minutes: z.number().int().min(0).max(30 * 24 * 60, "A mute lasts at most 30 days."),
    reason: ModerationReasonSchema,
  })
  .strict();

export const BanSchema = z.object({ roomId: id, userId: id, banned: z.boolean().default(true), reason: ModerationReasonSchema }).strict();

export const SlowModeSchema = z
  .object({ roomId: id, seconds: z.number().int().min(0).max(3600, "Slow mode is at most one hour.") })
  .strict();
export const slowModeChoices = [0, 5, 10, 30, 60, 300] as const;

export const LockSchema = z.object({ roomId: id, locked: z.boolean(), reason: z.string().trim().max(500).optional() }).strict();

export const PinSchema = z.object({ roomId: id, messageId: id.nullable() }).strict();

export const ReportMessageSchema = z
  .object({
    messageId: id,
    reason: z.enum(reportReasons, { errorMap: () => ({ message: "Choose a reason." }) }),
    details: z.string().trim().max(1000, "Use at most 1,000 characters.").optional().default(""),
  })
  .strict();

export const RoomNameSchema = z
  .string({ required_error: "Give the room a name." })
  .trim()
  .min(2, "Use at least 2 characters.")
  .max(60, "Use at most 60 characters.");

/** The room list page's forms (moderators). */
export const RoomIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: RoomNameSchema }),
  z.object({ intent: z.literal("rename"), roomId: id, name: RoomNameSchema }),
  z.object({ intent: z.literal("archive"), roomId: id }),
  z.object({ intent: z.literal("unarchive"), roomId: id }),
  z.object({ intent: z.literal("retention"), roomId: id, retention: RetentionDaysSchema }),
]);
export type RoomIntent = z.infer<typeof RoomIntentSchema>;
