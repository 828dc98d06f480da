import { z } from "zod";

/** "2026-12": a calendar month (years a calendar can show; anything else falls back to this month). */
export const MonthSchema = z.string().regex(/^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])$/);

/** /events?view=month&month=2026-12: the month grid beside the list. */
export const EventViewQuerySchema = z.object({
  view: z.enum(["list", "month"]).catch("list"),
  month: MonthSchema.optional().catch(undefined),
});
