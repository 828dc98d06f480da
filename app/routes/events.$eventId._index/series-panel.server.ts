import { parseWithZod } from "@conform-to/zod";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess } from "#app/lib/http.server";
import { describeInZone } from "#app/lib/time";
import type { Actor } from "#app/policy.server";
import { SeriesActionSchema } from "#app/modules/events/series.schema";
import { cancelSeriesRsvps, rsvpToSeries, seriesPanel } from "#app/modules/events/series.server";

/** The event page's series panel (the rule in words, the upcoming occurrences), for its loader. */
export async function seriesData(app: AppContext, viewer: Actor | null, e: Parameters<typeof seriesPanel>[2]) {
  const panel = await seriesPanel(app, viewer, e);
  if (!panel) return { series: null };
  return {
    series: {
      description: panel.description,
      detached: panel.detached,
      upcomingCount: panel.upcomingCount,
      upcoming: panel.upcoming.map((o) => ({ id: o.id, when: describeInZone(o.startsAt, o.endsAt, o.timeZone), cancelled: o.status === "cancelled", myRsvp: o.myRsvp, current: o.current })),
      canRsvpAll: panel.canRsvpAll,
      canCancelAll: panel.canCancelAll,
    },
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The page's "rsvp-series" / "cancel-rsvp-series" intents; the policy is asked per occurrence in series.server.ts. */
export async function seriesAction(app: AppContext, viewer: Actor, eventId: string, form: FormData) {
  const submission = parseWithZod(form, { schema: SeriesActionSchema });
  if (submission.status !== "success") return actionFailure(Invalid("Choose one of the series buttons."), { series: true });
  try {
    if (submission.value.intent === "rsvp-series") {
      const r = await rsvpToSeries(app, viewer, eventId);
      const parts = [`You are going to ${plural(r.going, "upcoming event", "upcoming events")} of the series`];
      if (r.waitlisted > 0) parts.push(`on the waitlist for ${r.waitlisted} that ${r.waitlisted === 1 ? "is" : "are"} full`);
      if (r.skipped > 0) parts.push(`${r.skipped} could not be answered (closed or not open to you)`);
      return actionSuccess(`${parts.join("; ")}.`, { series: true });
    }
    const r = await cancelSeriesRsvps(app, viewer, eventId);
    return actionSuccess(r.cancelled > 0 ? `Your places in ${plural(r.cancelled, "upcoming event", "upcoming events")} are cancelled.` : "You had no places in the upcoming events.", { series: true });
  } catch (e) {
    return actionFailure(e, { series: true });
  }
}
