import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { EventCard, formatNames } from "#app/components/events/event-card";
import { Button, ButtonLink } from "#app/components/ui/button";
import { loaderWork } from "#app/lib/http.server";
import { describeInZone } from "#app/lib/time";
import { EventListQuerySchema, eventFormats } from "#app/modules/events/events.schema";
import { listEventFilters, listEvents, listOrganizerChoices } from "#app/modules/events/events.server";

export const meta: MetaFunction = () => [{ title: "Events — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const query = EventListQuerySchema.parse(Object.fromEntries(url.searchParams));
  return loaderWork(async () => {
    const [{ events, nextCursor }, filters, organizerOf] = await Promise.all([
      listEvents(context.app, context.viewer, query),
      listEventFilters(context.app, context.viewer),
      listOrganizerChoices(context.app, context.viewer),
    ]);
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, after: nextCursor ?? undefined })) if (v) next.set(k, String(v));
    return {
      query: { when: query.when, group: query.group ?? "", organization: query.organization ?? "", format: query.format ?? "" },
      events: events.map((e) => ({
        id: e.id,
        title: e.title,
        startsAt: e.startsAt.toISOString(),
        endsAt: e.endsAt.toISOString(),
        timeZone: e.timeZone,
        inZone: describeInZone(e.startsAt, e.endsAt, e.timeZone),
        format: e.format,
        location: e.location,
        status: e.status,
        organization: { name: e.organization.name },
        group: e.group ? { slug: e.group.slug, name: e.group.name } : null,
        spotsLeft: e.spotsLeft,
        myRsvp: e.myRsvp,
      })),
      nextHref: nextCursor ? `/events?${next.toString()}` : null,
      filters,
      canCreate: organizerOf.length > 0,
      signedIn: context.viewer !== null,
    };
  });
}

const selectClass = "min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50";

export default function EventsPage() {
  const { query, events, nextHref, filters, canCreate, signedIn } = useLoaderData<typeof loader>();
  const past = query.when === "past";
  const filterParams = (when: string) => {
    const p = new URLSearchParams();
    if (when !== "upcoming") p.set("when", when);
    for (const k of ["group", "organization", "format"] as const) if (query[k]) p.set(k, query[k]);
    const s = p.toString();
    return s ? `/events?${s}` : "/events";
  };
  return (
    <section aria-labelledby="events-title" className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="events-title" className="text-4xl">
          {past ? "Past events" : "Upcoming events"}
        </h1>
        <div className="flex flex-wrap gap-3">
          {canCreate ? <ButtonLink to="/events/new">Post an event</ButtonLink> : null}
          {signedIn ? (
            <ButtonLink to="/calendar" variant="secondary">
              Calendar feeds
            </ButtonLink>
          ) : null}
        </div>
      </div>
      <nav aria-label="Upcoming or past" className="flex flex-wrap gap-3">
        <Link to={filterParams("upcoming")} aria-current={past ? undefined : "page"} className="inline-flex min-h-11 items-center px-2 font-semibold">
          Upcoming
        </Link>
        <Link to={filterParams("past")} aria-current={past ? "page" : undefined} className="inline-flex min-h-11 items-center px-2 font-semibold">
          Past events
        </Link>
      </nav>
      <Form method="get" className="flex flex-wrap items-end gap-4 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
        {past ? <input type="hidden" name="when" value="past" /> : null}
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-group" className="font-semibold">
            Group
          </label>
          <select id="filter-group" name="group" defaultValue={query.group} className={selectClass}>
            <option value="">All groups</option>
            {filters.groups.map((g) => (
              <option key={g.slug} value={g.slug}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-organization" className="font-semibold">
            Organization
          </label>
          <select id="filter-organization" name="organization" defaultValue={query.organization} className={selectClass}>
            <option value="">All organizations</option>
            {filters.organizations.map((o) => (
              <option key={o.slug} value={o.slug}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-format" className="font-semibold">
            Format
          </label>
          <select id="filter-format" name="format" defaultValue={query.format} className={selectClass}>
            <option value="">Any format</option>
            {eventFormats.map((f) => (
              <option key={f} value={f}>
                {formatNames[f]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Show events
        </Button>
      </Form>
      {events.length === 0 ? (
        <p className="text-lg">{past ? "No past events match." : "No upcoming events match. Try other filters, or look at past events."}</p>
      ) : (
        <ul aria-label={past ? "Past events" : "Upcoming events"} className="space-y-4">
          {events.map((e) => (
            <li key={e.id}>
              <EventCard event={e} />
            </li>
          ))}
        </ul>
      )}
      {nextHref ? (
        <p>
          <ButtonLink to={nextHref} variant="secondary">
            {past ? "Earlier events" : "Later events"}
          </ButtonLink>
        </p>
      ) : null}
    </section>
  );
}
