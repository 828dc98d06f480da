import { Form, Link, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { rsvpLabels, type MyRsvp } from "#app/modules/events/events.schema";

interface SeriesPanelData {
  description: string;
  detached: boolean;
  upcomingCount: number;
  upcoming: { id: string; when: string; cancelled: boolean; myRsvp: MyRsvp | null; current: boolean }[];
  canRsvpAll: boolean;
  canCancelAll: boolean;
}

/**
 * An occurrence's series: the rule in words, the upcoming occurrences (this one marked), and the
 * series RSVP buttons (each occurrence keeps its own places and waitlist). Messages appear in the
 * Places panel above, like every reply on this page.
 */
export function SeriesPanel({ series }: { series: SeriesPanelData | null }) {
  const busy = useNavigation().state === "submitting";
  if (!series) return null;
  return (
    <section aria-labelledby="series-title" className="space-y-3 rounded-xl border-2 border-stone-300 p-5 dark:border-stone-600">
      <h2 id="series-title" className="text-2xl">
        Part of a series
      </h2>
      <p className="text-lg" data-testid="series-rule">
        {series.description}
        {series.detached ? " (this date was changed on its own)" : ""}
      </p>
      {series.upcoming.length > 0 ? (
        <>
          <h3 className="text-xl">
            Upcoming in this series{series.upcomingCount > series.upcoming.length ? ` (next ${series.upcoming.length} of ${series.upcomingCount})` : ""}
          </h3>
          <ul className="space-y-1" data-testid="series-occurrences">
            {series.upcoming.map((o) => (
              <li key={o.id}>
                {o.current ? (
                  <span className="inline-flex min-h-11 items-center font-semibold" aria-current="page">
                    {o.when} (this event)
                  </span>
                ) : (
                  <Link to={`/events/${o.id}`} className="inline-flex min-h-11 items-center">
                    {o.cancelled ? `Cancelled: ${o.when}` : o.when}
                  </Link>
                )}
                {o.myRsvp ? <span className="ml-2 text-base">· {rsvpLabels[o.myRsvp]}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {series.canRsvpAll || series.canCancelAll ? (
        <div className="flex flex-wrap gap-3">
          {series.canRsvpAll ? (
            <Form method="post" preventScrollReset>
              <input type="hidden" name="intent" value="rsvp-series" />
              <Button type="submit" variant="secondary" disabled={busy}>
                Going to all upcoming
              </Button>
            </Form>
          ) : null}
          {series.canCancelAll ? (
            <Form method="post" preventScrollReset>
              <input type="hidden" name="intent" value="cancel-rsvp-series" />
              <Button type="submit" variant="quiet" disabled={busy}>
                Cancel all my places in this series
              </Button>
            </Form>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
