import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { EventCard, formatNames } from "#app/components/events/event-card";
import { Button, ButtonLink } from "#app/components/ui/button";
import { loaderWork } from "#app/lib/http.server";
import { eventTimes } from "#app/lib/time";
import { EventListQuerySchema, eventFormats } from "#app/modules/events/events.schema";
import { listEventFilters, listEvents, listOrganizerChoices } from "#app/modules/events/events.server";
import { FilterSelect } from "#app/components/ui/filter-select";
import { MonthCalendar } from "#app/components/events/month-calendar";
import { GroupFeedField } from "#app/components/events/feed-address";
import { EventViewQuerySchema } from "#app/modules/events/month.schema";
import { chosenTimeZone, currentMonth, monthEvents } from "#app/modules/events/month.server";
import { groupFeedFor } from "#app/modules/events/group-feed.server";

export const meta: MetaFunction = () => [{ title: "Events — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const query = EventListQuerySchema.parse(Object.fromEntries(url.searchParams));
  const viewQuery = EventViewQuerySchema.parse(Object.fromEntries(url.searchParams));
  const month = viewQuery.view === "month" ? (viewQuery.month ?? currentMonth()) : null;
  return loaderWork(async () => {
    const [{ events, nextCursor }, filters, organizerOf, calendar, groupFeed] = await Promise.all([
      month ? { events: [] as Awaited<ReturnType<typeof listEvents>>["events"], nextCursor: null } : listEvents(context.app, context.viewer, query),
      listEventFilters(context.app, context.viewer),
      listOrganizerChoices(context.app, context.viewer),
      month
        ? Promise.all([monthEvents(context.app, context.viewer, month, query), chosenTimeZone(context.app, context.viewer)]).then(([list, zone]) => ({ month, events: list, zone }))
        : null,
      query.group ? groupFeedFor(context.app, context.viewer, query.group, url.origin) : null,
    ]);
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, after: nextCursor ?? undefined })) if (v) next.set(k, String(v));
    return {
      query: { when: query.when, group: query.group ?? "", organization: query.organization ?? "", format: query.format ?? "" },
      events: events.map((e) => ({
        id: e.id,
        title: e.title,
        ...eventTimes(e),
        format: e.format,
        location: e.location,
        status: e.status,
        organization: { name: e.organization.name },
        group: e.group ? { slug: e.group.slug, name: e.group.name } : null,
        spotsLeft: e.spotsLeft,
        myRsvp: e.myRsvp,
        inSeries: e.inSeries,
      })),
      nextHref: nextCursor ? `/events?${next.toString()}` : null,
      filters,
      canCreate: organizerOf.length > 0,
      signedIn: context.viewer !== null,
      calendar,
      groupFeed,
      thisMonth: currentMonth(),
    };
  });
}


export default function EventsPage() {
  const { query, events, nextHref, filters, canCreate, signedIn, calendar, groupFeed, thisMonth } = useLoaderData<typeof loader>();
  const past = query.when === "past";
  const viewHref = (month: string | null) => {
    const p = new URLSearchParams();
    if (month) {
      p.set("view", "month");
      p.set("month", month);
    }
    for (const k of ["group", "organization", "format"] as const) if (query[k]) p.set(k, query[k]);
    return `/events?${p.toString()}`;
  };
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
          {calendar ? "Event calendar" : past ? "Past events" : "Upcoming events"}
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
      <nav aria-label="List or month" className="flex flex-wrap gap-3">
        <Link to={viewHref(null)} aria-current={calendar ? undefined : "page"} className="inline-flex min-h-11 items-center px-2 font-semibold">
          List
        </Link>
        <Link to={viewHref(calendar?.month ?? thisMonth)} aria-current={calendar ? "page" : undefined} className="inline-flex min-h-11 items-center px-2 font-semibold">
          Month
        </Link>
      </nav>
      {calendar ? null : (
      <nav aria-label="Upcoming or past" className="flex flex-wrap gap-3">
        <Link to={filterParams("upcoming")} aria-current={past ? undefined : "page"} className="inline-flex min-h-11 items-center px-2 font-semibold">
          Upcoming
        </Link>
        <Link to={filterParams("past")} aria-current={past ? "page" : undefined} className="inline-flex min-h-11 items-center px-2 font-semibold">
          Past events
        </Link>
      </nav>
      )}
      <Form method="get" className="flex flex-wrap items-end gap-4 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
        {past && !calendar ? <input type="hidden" name="when" value="past" /> : null}
        {calendar ? (
          <>
            <input type="hidden" name="view" value="month" />
            <input type="hidden" name="month" value={calendar.month} />
          </>
        ) : null}
        <FilterSelect
          id="filter-group"
          name="group"
          label="Group"
          value={query.group}
          allLabel="All groups"
          options={filters.groups.map((g) => ({ value: g.slug, label: g.name }))}
        />
        <FilterSelect
          id="filter-organization"
          name="organization"
          label="Organization"
          value={query.organization}
          allLabel="All organizations"
          options={filters.organizations.map((o) => ({ value: o.slug, label: o.name }))}
        />
        <FilterSelect
          id="filter-format"
          name="format"
          label="Format"
          value={query.format}
          allLabel="Any format"
          options={eventFormats.map((f) => ({ value: f, label: formatNames[f] }))}
        />
        <Button type="submit" variant="secondary">
          Show events
        </Button>
      </Form>
      {groupFeed ? <GroupFeedField feed={groupFeed} /> : null}
      {calendar ? (
        <MonthCalendar month={calendar.month} events={calendar.events} chosenZone={calendar.zone} hrefFor={viewHref} />
      ) : events.length === 0 ? (
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
