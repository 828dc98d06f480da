import type { MyRsvp } from "#app/modules/events/events.schema";
import { Link } from "@remix-run/react";
import { Badge } from "#app/components/ui/badge";
import { EventTime } from "./event-time";

export const formatNames = { online: "Online", in_person: "In person", hybrid: "Hybrid" } as const;

export interface EventCardData {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  inZone: string;
  format: keyof typeof formatNames;
  location: string | null;
  status: "scheduled" | "cancelled";
  organization: { name: string };
  group: { slug: string; name: string } | null;
  spotsLeft: number | null;
  myRsvp: MyRsvp | null;
  /** An occurrence of a recurring series. */
  inSeries?: boolean;
}

/** One event in a listing: an <article> named by its title (never carries the online link). */
export function EventCard({ event }: { event: EventCardData }) {
  const headingId = `event-${event.id}-title`;
  return (
    <article aria-labelledby={headingId} className="space-y-2 rounded-xl border-2 border-stone-300 bg-white p-5 dark:border-stone-600 dark:bg-stone-900">
      <h2 id={headingId} className="text-2xl">
        <Link to={`/events/${event.id}`} className="inline-flex min-h-11 items-center">
          {event.status === "cancelled" ? `Cancelled: ${event.title}` : event.title}
        </Link>
      </h2>
      <p className="text-lg font-semibold">
        <EventTime startsAt={event.startsAt} endsAt={event.endsAt} timeZone={event.timeZone} inZone={event.inZone} />
      </p>
      <div className="flex flex-wrap items-center gap-2">
        {event.status === "cancelled" ? <Badge tone="warning">Cancelled</Badge> : null}
        <Badge tone="brand">{formatNames[event.format]}</Badge>
        {event.inSeries ? <Badge>Repeats</Badge> : null}
        {event.myRsvp === "going" ? <Badge tone="success">You are going</Badge> : null}
        {event.myRsvp === "waitlisted" ? <Badge>You are on the waitlist</Badge> : null}
        {event.myRsvp === "maybe" ? <Badge>You said maybe</Badge> : null}
        {event.status === "scheduled" && event.spotsLeft !== null ? (
          <Badge>{event.spotsLeft === 0 ? "Full: waitlist open" : `${event.spotsLeft} ${event.spotsLeft === 1 ? "place" : "places"} left`}</Badge>
        ) : null}
      </div>
      <p>
        {event.organization.name}
        {event.group ? (
          <>
            {" · "}
            <Link to={`/groups/${event.group.slug}`} className="inline-flex min-h-11 items-center">
              {event.group.name}
            </Link>
          </>
        ) : null}
        {event.location ? ` · ${event.location}` : null}
      </p>
    </article>
  );
}
