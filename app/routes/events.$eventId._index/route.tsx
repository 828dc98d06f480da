import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EventTime } from "#app/components/events/event-time";
import { formatNames } from "#app/components/events/event-card";
import { MarkdownContent } from "#app/components/ui/markdown-content";
import { Badge } from "#app/components/ui/badge";
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { renderMarkdown } from "#app/lib/markdown.server";
import { eventTimes, formatDayTime, zoneAbbreviation } from "#app/lib/time";
import { EventActionSchema, EventIdSchema } from "#app/modules/events/events.schema";
import { cancelEvent, getEvent, listAttendees } from "#app/modules/events/events.server";
import { cancelRsvp, respondToEvent, rsvpToEvent } from "#app/modules/events/rsvps.server";
import { AttendeeLists, OrganizerTools, RsvpPanel } from "./event-panels";
import { discussionData, openDiscussionAction } from "./discussion.server";
import { DiscussionLinks } from "./discussion-link";
import { OrganizerExtrasPanel } from "./organizer-tools";
import { seriesAction, seriesData } from "./series-panel.server";
import { SeriesPanel } from "./series-panel";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.event.title} — Hearth events` : "Event not found — Hearth" }];

const EventParams = z.object({ eventId: EventIdSchema });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { eventId: id } = requireParams(params, EventParams);
  return loaderWork(async () => {
    const e = await getEvent(context.app, context.viewer, id);
    const attendees = e.permissions.viewAttendees ? await listAttendees(context.app, context.viewer, id) : null;
    return {
      ...(await discussionData(context.app, context.viewer, e)),
      ...(await seriesData(context.app, context.viewer, e)),
      signedIn: context.viewer !== null,
      event: {
        id: e.id,
        title: e.title,
        descriptionHtml: e.description ? renderMarkdown(e.description) : "",
        ...eventTimes(e),
        format: e.format,
        location: e.location,
        onlineUrl: e.onlineUrl,
        hasOnlineLink: e.hasOnlineLink,
        capacity: e.capacity,
        spotsLeft: e.spotsLeft,
        goingCount: e.goingCount,
        waitlistCount: e.waitlistCount,
        maybeCount: e.maybeCount,
        notGoingCount: e.notGoingCount,
        myRsvp: e.myRsvp,
        waitlistPosition: e.waitlistPosition,
        closed: e.closed,
        started: e.startsAt.getTime() <= Date.now(),
        deadline: e.registrationDeadline ? `${formatDayTime(e.registrationDeadline, e.timeZone, { year: true })} ${zoneAbbreviation(e.registrationDeadline, e.timeZone)}` : null,
        status: e.status,
        cancelledAt: e.cancelledAt ? `${formatDayTime(e.cancelledAt, e.timeZone, { year: true })} ${zoneAbbreviation(e.cancelledAt, e.timeZone)}` : null,
        cancelledByName: e.cancelledByName,
        organization: e.organization,
        group: e.group ? { slug: e.group.slug, name: e.group.name, private: e.group.visibility === "private" } : null,
        permissions: e.permissions,
      },
      attendees: attendees
        ? { going: attendees.going.map((a) => a.displayName), waitlist: attendees.waitlist.map((a) => a.displayName) }
        : null,
    };
  });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { eventId: id } = requireParams(params, EventParams);
  const viewer = requireViewer(context, request);
  const form = await readForm(request);
  if (form.get("intent") === "open-discussion") return openDiscussionAction(context.app, viewer, id, form);
  if (String(form.get("intent")).endsWith("-series")) return seriesAction(context.app, viewer, id, form);
  const submission = parseWithZod(form, { schema: EventActionSchema });
  if (submission.status !== "success") return formInvalid(submission, { message: null });
  try {
    let message: string;
    switch (submission.value.intent) {
      case "rsvp": {
        const r = await rsvpToEvent(context.app, viewer, id);
        message = r.status === "going" ? "You are going. See you there!" : `The event is full: you are number ${r.position} on the waitlist.`;
        break;
      }
      case "respond": {
        await respondToEvent(context.app, viewer, id, submission.value.answer);
        message = submission.value.answer === "maybe" ? "You answered maybe. Maybe doesn't hold a place: choose Going to take one." : "You answered not going. Thanks for letting the organizers know.";
        break;
      }
      case "cancel-rsvp": {
        const r = await cancelRsvp(context.app, viewer, id);
        message = r.previous === "waitlisted" ? "You have left the waitlist." : r.previous === "going" ? "Your RSVP is cancelled." : "Your reply is withdrawn.";
        break;
      }
      case "cancel-event":
        await cancelEvent(context.app, viewer, id);
        message = "The event is cancelled. Everyone who was coming has been told.";
        break;
    }
    return json({ ...submission.reply({ resetForm: true }), message });
  } catch (e) {
    return formFailure(submission, e, [], { message: null });
  }
}

export default function EventPage() {
  const { event, attendees, signedIn, discussion, organizerExtras, series } = useLoaderData<typeof loader>();
  const cancelled = event.status === "cancelled";
  return (
    <article aria-labelledby="event-title" className="space-y-6">
      <p>
        <Link to="/events" className="inline-flex min-h-11 items-center">
          ← All events
        </Link>
      </p>
      <header className="space-y-3">
        <h1 id="event-title" className="text-4xl">
          {cancelled ? `Cancelled: ${event.title}` : event.title}
        </h1>
        <div className="flex flex-wrap items-center gap-2">
          {cancelled ? <Badge tone="warning">Cancelled</Badge> : null}
          <Badge tone="brand">{formatNames[event.format]}</Badge>
          {event.group?.private ? <Badge tone="warning">Private group: members only</Badge> : null}
        </div>
        <p className="text-xl font-semibold">
          <EventTime startsAt={event.startsAt} endsAt={event.endsAt} timeZone={event.timeZone} inZone={event.inZone} />
        </p>
        <p>
          Organized by <strong>{event.organization.name}</strong>
          {event.group ? (
            <>
              {" for "}
              <Link to={`/groups/${event.group.slug}`} className="inline-flex min-h-11 items-center">{event.group.name}</Link>
            </>
          ) : null}
        </p>
      </header>
      {cancelled ? (
        <p role="status" className="rounded-lg border-2 border-amber-700 bg-amber-50 p-4 text-amber-950 dark:bg-amber-950 dark:text-amber-50">
          This event was cancelled{event.cancelledByName ? ` by ${event.cancelledByName}` : ""}
          {event.cancelledAt ? ` on ${event.cancelledAt}` : ""}.
        </p>
      ) : null}
      <section aria-labelledby="where-title" className="space-y-2">
        <h2 id="where-title" className="text-2xl">
          Where
        </h2>
        {event.location ? <p className="text-lg">{event.location}</p> : null}
        {event.onlineUrl ? (
          <p className="text-lg">
            Online link:{" "}
            <a href={event.onlineUrl} rel="noopener noreferrer nofollow" className="inline-flex min-h-11 items-center break-all font-semibold" data-testid="online-link">
              {event.onlineUrl}
            </a>
          </p>
        ) : event.hasOnlineLink ? (
          <p className="text-lg">Online: the link appears here for members who are going.</p>
        ) : null}
      </section>
      <RsvpPanel event={event} signedIn={signedIn} />
      <SeriesPanel series={series} />
      <p className="flex flex-wrap gap-3">
        <a
          href={`/events/${event.id}/calendar.ics`}
          download
          className="inline-flex min-h-11 items-center rounded-lg border-2 border-brand-700 px-5 py-2 font-semibold no-underline dark:border-brand-100"
        >
          Add to calendar (.ics)
        </a>
      </p>
      {event.descriptionHtml ? (
        <section aria-labelledby="about-title" className="space-y-2">
          <h2 id="about-title" className="text-2xl">
            About this event
          </h2>
          <MarkdownContent html={event.descriptionHtml} />
        </section>
      ) : null}
      <DiscussionLinks links={discussion} />
      {event.permissions.edit || event.permissions.cancel ? <OrganizerTools event={event} /> : null}
      <OrganizerExtrasPanel eventId={event.id} extras={organizerExtras} />
      {attendees ? <AttendeeLists eventId={event.id} going={attendees.going} waitlist={attendees.waitlist} /> : null}
    </article>
  );
}
