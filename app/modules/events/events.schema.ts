import { z } from "zod";
import { singleLine } from "#app/lib/single-line";
import { HttpUrlSchema } from "#app/lib/http-url";
import { canonicalTimeZone, wallClockToUtc } from "#app/lib/time";

/** The longest an event may last; the upcoming list relies on it to start its index scan (events.server.ts). */
export const MAX_EVENT_DAYS = 14;
export const EVENT_TITLE_MAX = 160;
export const EVENT_DESCRIPTION_MAX = 10_000;
export const LOCATION_MAX = 300;
export const CAPACITY_MAX = 100_000;

export const eventFormats = ["online", "in_person", "hybrid"] as const;
export type EventFormat = (typeof eventFormats)[number];
export const formatLabels: Record<EventFormat, string> = { online: "Online", in_person: "In person", hybrid: "Hybrid (in person and online)" };

export const EventIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not an event address.");
/** Per-user calendar feed token: 32 random bytes, base64url. */
export const FeedTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,64}$/);

const wallClock = (label: string) =>
  z
    .string({ required_error: `Choose the ${label}.` })
    .trim()
    .max(32, `Choose the ${label}.`);

/**
 * The event form. Times are wall-clock ("2026-10-25T18:00", what datetime-local inputs send) in the
 * chosen zone; the transform turns them into UTC instants. `now` and `requireFuture` make "start in
 * the future" apply when creating (an edit may keep a start that has since passed).
 */
export function eventFormSchema(opts: { requireFuture: boolean; now?: () => Date }) {
  const now = opts.now ?? (() => new Date());
  return z
    .object({
      organizationId: z.string({ required_error: "Choose the organization." }).max(64),
      groupId: z.string().max(64).optional(),
      title: z
        .string({ required_error: "Give the event a title." })
        .trim()
        .min(3, "Use at least 3 characters for the title.")
        .max(EVENT_TITLE_MAX, `Use at most ${EVENT_TITLE_MAX} characters for the title.`)
        .refine(...singleLine("title")),
      description: z.string().trim().max(EVENT_DESCRIPTION_MAX, `Use at most ${EVENT_DESCRIPTION_MAX.toLocaleString("en-GB")} characters.`).optional(),
      timeZone: z.string({ required_error: "Choose a time zone." }).trim().max(64, "Choose a time zone from the list."),
      startsAt: wallClock("start date and time"),
      endsAt: wallClock("end date and time"),
      format: z.enum(eventFormats, { errorMap: () => ({ message: "Choose online, in person or hybrid." }) }),
      location: z
        .string()
        .trim()
        .max(LOCATION_MAX, `Use at most ${LOCATION_MAX} characters for the address.`)
        .refine(...singleLine("address"))
        .optional(),
      onlineUrl: HttpUrlSchema.optional(),
      capacity: z
        .number({ invalid_type_error: "Enter a whole number of places, or leave it empty for no limit." })
        .int("Enter a whole number of places.")
        .min(1, "Capacity must be at least 1 (leave it empty for no limit).")
        .max(CAPACITY_MAX, `At most ${CAPACITY_MAX.toLocaleString("en-GB")} places.`)
        .optional(),
      registrationDeadline: wallClock("registration deadline").optional(),
    })
    .transform((v, ctx) => {
      const timeZone = canonicalTimeZone(v.timeZone);
      if (!timeZone) {
        ctx.addIssue({ code: "custom", path: ["timeZone"], message: "Choose a real time zone from the list (for example Europe/Berlin)." });
        return z.NEVER;
      }
      const instant = (value: string, field: string, label: string): Date | null => {
        const r = wallClockToUtc(value, timeZone);
        if (r.ok) return r.instant;
        ctx.addIssue({
          code: "custom",
          path: [field],
          message:
            r.reason === "nonexistent"
              ? `That ${label} doesn't exist in ${timeZone}: the clocks change then. Choose a time an hour later.`
              : `Enter the ${label} as a date and time.`,
        });
        return null;
      };
      const startsAt = instant(v.startsAt, "startsAt", "start time");
      const endsAt = instant(v.endsAt, "endsAt", "end time");
      const registrationDeadline = v.registrationDeadline ? instant(v.registrationDeadline, "registrationDeadline", "registration deadline") : null;
      if (startsAt && opts.requireFuture && startsAt.getTime() <= now().getTime()) {
        ctx.addIssue({ code: "custom", path: ["startsAt"], message: "The start must be in the future." });
      }
      if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) {
        ctx.addIssue({ code: "custom", path: ["endsAt"], message: "The end must be after the start." });
      }
      if (startsAt && endsAt && endsAt.getTime() - startsAt.getTime() > MAX_EVENT_DAYS * 86_400_000) {
        ctx.addIssue({ code: "custom", path: ["endsAt"], message: `An event can last at most ${MAX_EVENT_DAYS} days.` });
      }
      if (startsAt && registrationDeadline && registrationDeadline.getTime() > startsAt.getTime()) {
        ctx.addIssue({ code: "custom", path: ["registrationDeadline"], message: "The registration deadline must be before the start." });
      }
      if ((v.format === "in_person" || v.format === "hybrid") && !v.location) {
        ctx.addIssue({ code: "custom", path: ["location"], message: "Give the address for an in-person or hybrid event." });
      }
      if ((v.format === "online" || v.format === "hybrid") && !v.onlineUrl) {
        ctx.addIssue({ code: "custom", path: ["onlineUrl"], message: "Give the online link for an online or hybrid event." });
      }
      if (!startsAt || !endsAt || (v.registrationDeadline && !registrationDeadline)) return z.NEVER;
      return {
        organizationId: v.organizationId,
        groupId: v.groupId || null,
        title: v.title,
        description: v.description ?? "",
        timeZone,
        startsAt,
        endsAt,
        format: v.format,
        location: v.format === "online" ? null : (v.location ?? null),
        onlineUrl: v.format === "in_person" ? null : (v.onlineUrl ?? null),
        capacity: v.capacity ?? null,
        registrationDeadline,
      };
    });
}
export type EventInput = z.output<ReturnType<typeof eventFormSchema>>;

/** The small forms on an event page. */
export const EventActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("rsvp") }),
  z.object({ intent: z.literal("cancel-rsvp") }),
  // Maybe / not going (decision 0021: neither takes a place).
  z.object({ intent: z.literal("respond"), answer: z.enum(["maybe", "not_going"], { errorMap: () => ({ message: "Choose going, maybe or not going." }) }) }),
  z.object({ intent: z.literal("cancel-event"), confirm: z.literal("yes", { errorMap: () => ({ message: "Tick the box to confirm." }) }) }),
]);

/** The listing's filters (query string). Unknown values fall back to "everything". */
export const EventListQuerySchema = z.object({
  when: z.enum(["upcoming", "past"]).catch("upcoming"),
  group: z.string().max(80).regex(/^[a-z0-9-]*$/).optional().catch(undefined),
  organization: z.string().max(80).regex(/^[a-z0-9-]*$/).optional().catch(undefined),
  format: z.enum(eventFormats).optional().catch(undefined),
  after: z.string().max(300).optional().catch(undefined),
});
export type EventListQuery = z.infer<typeof EventListQuerySchema>;

/** A member's live reply to an event: going and waitlisted hold or wait for a place; maybe and not going never do. */
export type MyRsvp = "going" | "waitlisted" | "maybe" | "not_going";
export const rsvpLabels: Record<MyRsvp, string> = { going: "Going", waitlisted: "On the waitlist", maybe: "Maybe", not_going: "Not going" };
