import { z } from "zod";
import { endOfLocalDay, expandRRule, formatRRule, MAX_OCCURRENCES, parseRRule, ruleForChoice } from "#app/lib/rrule";
import { wallClockAt } from "#app/lib/time";
import { eventFormSchema, type EventInput } from "./events.schema";

/** Recurring series (decision 0021): the event form's "Repeats" fieldset and the edit scope of an occurrence. */

export const repeatChoices = ["none", "weekly", "biweekly", "monthly_nth", "monthly_day"] as const;
export const editScopes = ["this", "following", "all"] as const;
export type EditScope = (typeof editScopes)[number];
export const scopeLabels: Record<EditScope, string> = { this: "This event", following: "This and following events", all: "All events in the series" };

const RepeatFields = z.object({
  repeat: z.enum(repeatChoices, { errorMap: () => ({ message: "Choose how the event repeats." }) }).optional(),
  repeatEnds: z.enum(["count", "until"], { errorMap: () => ({ message: "Choose when the repeats end." }) }).optional(),
  repeatCount: z
    .number({ invalid_type_error: "Enter how many times, as a whole number." })
    .int("Enter a whole number of times.")
    .min(2, "A series has at least 2 events.")
    .max(MAX_OCCURRENCES, `At most ${MAX_OCCURRENCES} times.`)
    .optional(),
  repeatUntil: z.string().trim().max(10, "Enter the end date as a date.").optional(),
});

export interface RepeatPlan {
  rrule: string;
  starts: Date[];
}

/**
 * The new-event form with its "Repeats" choices: the event as eventFormSchema reads it, plus the
 * rule built from the choice and the first start (so "monthly on the nth weekday" means the start's
 * weekday), expanded here so a rule that can't be kept is refused next to its field.
 */
export function seriesFormSchema(opts: { requireFuture: boolean; now?: () => Date }) {
  return z.intersection(eventFormSchema(opts), RepeatFields).transform((v, ctx): { event: EventInput; repeat: RepeatPlan | null } => {
    const { repeat, repeatEnds, repeatCount, repeatUntil, ...event } = v;
    if (!repeat || repeat === "none") return { event, repeat: null };
    const zone = event.timeZone;
    let end: { count: number } | { until: Date };
    if (repeatEnds === "until") {
      const until = repeatUntil ? endOfLocalDay(repeatUntil, zone) : null;
      if (!until) {
        ctx.addIssue({ code: "custom", path: ["repeatUntil"], message: repeatUntil ? "That end date doesn't exist: enter a real date." : "Choose the date of the last event." });
        return z.NEVER;
      }
      if (until.getTime() < event.startsAt.getTime()) {
        ctx.addIssue({ code: "custom", path: ["repeatUntil"], message: "The end date must be on or after the first event." });
        return z.NEVER;
      }
      end = { until };
    } else if (repeatEnds === "count") {
      if (repeatCount === undefined) {
        ctx.addIssue({ code: "custom", path: ["repeatCount"], message: "Enter how many times it happens." });
        return z.NEVER;
      }
      end = { count: repeatCount };
    } else {
      ctx.addIssue({ code: "custom", path: ["repeatEnds"], message: "Choose when the repeats end." });
      return z.NEVER;
    }
    if (repeat === "monthly_day" && wallClockAt(event.startsAt, zone).day > 28) {
      ctx.addIssue({ code: "custom", path: ["repeat"], message: "Not every month has that day: choose monthly on the weekday instead, or start on the 1st to 28th." });
      return z.NEVER;
    }
    const plan = planSeries(ruleForChoice(repeat, event.startsAt, zone, end), event.startsAt, zone);
    if (!plan.ok) {
      ctx.addIssue({ code: "custom", path: [repeatEnds === "until" ? "repeatUntil" : "repeatCount"], message: plan.message });
      return z.NEVER;
    }
    return { event, repeat: plan.plan };
  });
}
export type SeriesFormOutput = z.output<ReturnType<typeof seriesFormSchema>>;

/** A rule (text or parsed) checked by a round trip through the parser and expanded from the first start. */
export function planSeries(rule: string | Parameters<typeof formatRRule>[0], first: Date, zone: string): { ok: true; plan: RepeatPlan } | { ok: false; message: string } {
  const parsed = parseRRule(typeof rule === "string" ? rule : formatRRule(rule));
  if (!parsed.ok) return parsed;
  const expanded = expandRRule(parsed.rule, first, zone);
  if (!expanded.ok) return expanded;
  if (expanded.starts.length < 2) return { ok: false, message: "A series has at least 2 events: end the repeats later." };
  return { ok: true, plan: { rrule: formatRRule(parsed.rule), starts: expanded.starts } };
}

/** The edit form of an occurrence: the event fields plus which occurrences the edit applies to. */
export function occurrenceEditSchema() {
  return z.intersection(
    eventFormSchema({ requireFuture: false }),
    z.object({ scope: z.enum(editScopes, { errorMap: () => ({ message: "Choose which events of the series to change." }) }) }),
  );
}

/** The series buttons on an event page. */
export const SeriesActionSchema = z.discriminatedUnion("intent", [z.object({ intent: z.literal("rsvp-series") }), z.object({ intent: z.literal("cancel-rsvp-series") })]);
