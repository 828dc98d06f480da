import { z } from "zod";

/** How long a room keeps its messages (chat_rooms.retention_days; its CHECK allows exactly these). Shared by the server and the browser. */

export const retentionChoices = [
  { days: null, label: "Forever" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
] as const;
export type RetentionDays = (typeof retentionChoices)[number]["days"];

const allowed = retentionChoices.map((c) => c.days);

/** The form sends "forever" or a number of days as text; anything else is refused in words. */
export const RetentionDaysSchema = z
  .string({ required_error: "Choose how long messages are kept.", invalid_type_error: "Choose how long messages are kept." })
  .trim()
  .transform((v, ctx): RetentionDays => {
    const days = v === "forever" ? null : /^\d{1,4}$/.test(v) ? Number(v) : NaN;
    if (!allowed.includes(days as RetentionDays)) {
      ctx.addIssue({ code: "custom", message: "Choose forever, 30 days, 90 days or 1 year." });
      return z.NEVER;
    }
    return days as RetentionDays;
  });

/** The room's policy in words, for the room page and the room list. */
export function retentionText(days: number | null): string {
  if (days === null) return "Messages in this room are kept until someone deletes them.";
  const label = days === 365 ? "1 year" : `${days} days`;
  return `Messages in this room are deleted after ${label}. Pinned messages are kept.`;
}
