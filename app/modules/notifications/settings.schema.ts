import { z } from "zod";
import { isTimeZone } from "./settings";
import { CHANNELS, NOTIFICATION_TYPES, type NotificationType } from "./types";

/**
 * The settings → notifications form, parsed strictly (browser hints and the server alike): a
 * channel or a type Hearth doesn't know, a zone that isn't one, a time that isn't HH:MM are inline
 * errors and nothing is saved. Types the page doesn't show someone (staff-only ones) may be left
 * out; they keep their stored choice. Client-safe.
 */
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const Channel = z.enum(CHANNELS, { errorMap: () => ({ message: "Choose one of the four ways." }) });
const Time = z.string().regex(HHMM, "Enter a time like 22:00.").optional();

export const UNKNOWN_TYPE = "This form has a choice Hearth doesn't know. Reload the page and try again.";

export const NotificationSettingsFormSchema = z
  .object({
    channels: z
      .object(Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, Channel.optional()])) as Record<NotificationType, z.ZodOptional<typeof Channel>>)
      .strict(UNKNOWN_TYPE)
      .default({}),
    // Conform turns a ticked box's "on" into true; anything else a box can't send fails.
    quietHours: z.boolean({ invalid_type_error: "Tick the box or leave it empty." }).optional(),
    quietFrom: Time,
    quietTo: Time,
    timeZone: z
      .string({ required_error: "Choose your time zone." })
      .max(64, "Choose a time zone from the list.")
      .refine(isTimeZone, "Choose a time zone from the list."),
    digestHour: z.coerce
      .number({ required_error: "Choose the hour for the digest.", invalid_type_error: "Choose the hour for the digest." })
      .int("Choose the hour for the digest.")
      .min(0, "Choose the hour for the digest.")
      .max(23, "Choose the hour for the digest."),
    hidePrivateText: z.boolean({ invalid_type_error: "Tick the box or leave it empty." }).optional(),
  })
  .strict(UNKNOWN_TYPE)
  .superRefine((v, ctx) => {
    if (!v.quietHours) return;
    if (!v.quietFrom) ctx.addIssue({ code: "custom", path: ["quietFrom"], message: "Enter when quiet hours start, like 22:00." });
    if (!v.quietTo) ctx.addIssue({ code: "custom", path: ["quietTo"], message: "Enter when quiet hours end, like 07:00." });
    if (v.quietFrom && v.quietFrom === v.quietTo) ctx.addIssue({ code: "custom", path: ["quietTo"], message: "Quiet hours must end at a different time than they start." });
  });

export type NotificationSettingsForm = z.infer<typeof NotificationSettingsFormSchema>;
