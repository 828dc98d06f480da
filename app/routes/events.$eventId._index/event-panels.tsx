import { rsvpLabels, type MyRsvp } from "#app/modules/events/events.schema";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Button, ButtonLink } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";

type ActionResult = { message?: string | null; error?: Record<string, string[] | null> | null } | undefined;

interface PanelEvent {
  id: string;
  status: "scheduled" | "cancelled";
  capacity: number | null;
  spotsLeft: number | null;
  goingCount: number;
  waitlistCount: number;
  maybeCount: number;
  /** Null unless the viewer is an organizer. */
  notGoingCount: number | null;
  myRsvp: MyRsvp | null;
  waitlistPosition: number | null;
  closed: boolean;
  started: boolean;
  deadline: string | null;
  permissions: { rsvp: boolean; respond: boolean; cancelRsvp: boolean; edit: boolean; cancel: boolean; viewAttendees: boolean; manageAttendees: boolean };
}

function useResult() {
  const result = useActionData() as ActionResult;
  // Another panel's form (the discussion panel) shows its own answer.
  if (result && "form" in result) return { message: null, errors: [] };
  const errors = result?.error ? Object.values(result.error).flatMap((e) => e ?? []) : [];
  return { message: result?.message ?? null, errors };
}

/** Places, the viewer's own status and the RSVP buttons. */
export function RsvpPanel({ event, signedIn }: { event: PanelEvent; signedIn: boolean }) {
  const { message, errors } = useResult();
  const busy = useNavigation().state === "submitting";
  const full = event.spotsLeft === 0;
  return (
    <section aria-labelledby="rsvp-title" className="space-y-3 rounded-xl border-2 border-stone-300 p-5 dark:border-stone-600">
      <h2 id="rsvp-title" className="text-2xl">
        Places
      </h2>
      <p className="text-lg" data-testid="places">
        {event.capacity === null
          ? `${event.goingCount} going · no limit on places`
          : `${event.spotsLeft} of ${event.capacity} ${event.capacity === 1 ? "place" : "places"} left · ${event.goingCount} going`}
        {event.maybeCount > 0 ? ` · ${event.maybeCount} maybe` : ""}
        {event.waitlistCount > 0 ? ` · ${event.waitlistCount} on the waitlist` : ""}
        {event.notGoingCount ? ` · ${event.notGoingCount} not going` : ""}
      </p>
      {event.deadline && event.status === "scheduled" ? <p>RSVPs close {event.deadline}.</p> : null}
      <p className="text-lg font-semibold" data-testid="my-status">
        {event.myRsvp === "going"
          ? "You are going."
          : event.myRsvp === "waitlisted"
            ? `You are on the waitlist: number ${event.waitlistPosition}. You'll get a place automatically if one opens up.`
            : event.myRsvp === "maybe"
              ? "You answered maybe. Maybe doesn't hold a place."
              : event.myRsvp === "not_going"
                ? "You answered not going."
                : signedIn
                  ? "You have not replied yet."
              : null}
      </p>
      <FormErrors errors={errors} />
      <StatusMessage message={message} />
      {event.status === "cancelled" ? null : !signedIn ? (
        <p>
          <Link to={`/signin?redirectTo=${encodeURIComponent(`/events/${event.id}`)}`} className="inline-flex min-h-11 items-center font-semibold">
            Sign in to RSVP
          </Link>
        </p>
      ) : (
        <div className="flex flex-wrap gap-3">
          {event.permissions.respond ? <ReplyChoices event={event} full={full} busy={busy} /> : null}
          {event.permissions.cancelRsvp && !event.started ? (
            <Form method="post">
              <input type="hidden" name="intent" value="cancel-rsvp" />
              <Button type="submit" variant="secondary" disabled={busy}>
                {event.myRsvp === "waitlisted" ? "Leave the waitlist" : event.myRsvp === "going" ? "Cancel my RSVP" : "Clear my reply"}
              </Button>
            </Form>
          ) : null}
          {!event.myRsvp && event.closed ? <p>RSVPs for this event are closed.</p> : null}
        </div>
      )}
    </section>
  );
}

/**
 * Going / Maybe / Not going: three toggle buttons (aria-pressed marks the current reply), each its
 * own form post, so they work with the keyboard and without JavaScript.
 */
function ReplyChoices({ event, full, busy }: { event: PanelEvent; full: boolean; busy: boolean }) {
  const holds = event.myRsvp === "going" || event.myRsvp === "waitlisted";
  const choices = [
    { key: "going", label: holds ? rsvpLabels[event.myRsvp as "going" | "waitlisted"] : full ? "Join the waitlist" : "I'm going", pressed: holds, fields: { intent: "rsvp" } },
    { key: "maybe", label: "Maybe", pressed: event.myRsvp === "maybe", fields: { intent: "respond", answer: "maybe" } },
    { key: "not_going", label: "Not going", pressed: event.myRsvp === "not_going", fields: { intent: "respond", answer: "not_going" } },
  ];
  return (
    <div role="group" aria-labelledby="reply-label" className="flex flex-wrap items-center gap-3">
      <span id="reply-label" className="w-full text-lg font-semibold">
        Your reply
      </span>
      {choices.map((c) => (
        <Form method="post" key={c.key}>
          {Object.entries(c.fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <Button type="submit" variant={c.pressed ? "primary" : "secondary"} aria-pressed={c.pressed} disabled={busy}>
            {c.pressed ? <span aria-hidden="true">✓</span> : null}
            {c.label}
          </Button>
        </Form>
      ))}
    </div>
  );
}

/** Edit and cancel, for the organization's staff. Cancelling needs a tick first: no accidental taps. */
export function OrganizerTools({ event }: { event: PanelEvent }) {
  const busy = useNavigation().state === "submitting";
  if (event.status === "cancelled") return null;
  return (
    <section aria-labelledby="organizer-title" className="space-y-3 rounded-xl border-2 border-dashed border-stone-400 p-5">
      <h2 id="organizer-title" className="text-2xl">
        For organizers
      </h2>
      {event.permissions.edit ? (
        <p>
          <ButtonLink to={`/events/${event.id}/edit`} variant="secondary">
            Edit event
          </ButtonLink>
        </p>
      ) : null}
      {event.permissions.cancel ? (
        <Form method="post" className="space-y-3">
          <input type="hidden" name="intent" value="cancel-event" />
          <label className="inline-flex min-h-11 cursor-pointer items-center gap-3 text-lg">
            <input type="checkbox" name="confirm" value="yes" required className="h-6 w-6" />
            Yes, cancel this event and tell everyone who is coming
          </label>
          <div>
            <Button type="submit" variant="danger" disabled={busy}>
              Cancel event
            </Button>
          </div>
        </Form>
      ) : null}
    </section>
  );
}

export function AttendeeLists({ eventId, going, waitlist }: { eventId: string; going: string[]; waitlist: string[] }) {
  return (
    <section aria-labelledby="attendees-title" className="space-y-3">
      <h2 id="attendees-title" className="text-2xl">
        Who is coming
      </h2>
      <p className="flex flex-wrap gap-x-6">
        <Link to={`/events/${eventId}/attendees`} className="inline-flex min-h-11 items-center font-semibold">
          Manage attendees
        </Link>
        <Link to={`/events/${eventId}/check-in`} className="inline-flex min-h-11 items-center font-semibold">
          Check-in
        </Link>
        <a href={`/events/${eventId}/attendees.csv`} download className="inline-flex min-h-11 items-center font-semibold">
          Download the attendee list (CSV)
        </a>
      </p>
      <h3 className="text-xl">Going ({going.length})</h3>
      {going.length ? (
        <ol aria-label="Going" className="list-decimal pl-7">
          {going.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ol>
      ) : (
        <p>Nobody yet.</p>
      )}
      <h3 className="text-xl">Waitlist ({waitlist.length})</h3>
      {waitlist.length ? (
        <ol aria-label="Waitlist" className="list-decimal pl-7">
          {waitlist.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ol>
      ) : (
        <p>Nobody is waiting.</p>
      )}
    </section>
  );
}
