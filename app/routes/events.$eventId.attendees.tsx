import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { actionSuccess, invalidInput, loaderWork, pageActionFailure, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { AttendeeActionSchema } from "#app/modules/events/attendees.schema";
import { promoteAttendee, removeAttendee } from "#app/modules/events/attendees.server";
import { EventIdSchema } from "#app/modules/events/events.schema";
import { listAttendees } from "#app/modules/events/events.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Attendees: ${data.event.title} — Hearth` : "Event not found — Hearth" }];

const Params = z.object({ eventId: EventIdSchema });

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { eventId } = requireParams(params, Params);
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const { event, going, waitlist, maybe, notGoing } = await listAttendees(context.app, viewer, eventId);
    const person = (r: { userId: string; displayName: string }) => ({ id: r.userId, name: r.displayName });
    return {
      event: { id: event.id, title: event.title, capacity: event.capacity, manage: event.permissions.manageAttendees },
      going: going.map(person),
      waitlist: waitlist.map(person),
      maybe: maybe.map(person),
      notGoing: notGoing.map(person),
    };
  });
}

type Result = { ok: boolean; message: string; confirmRemove?: { userId: string } };

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { eventId } = requireParams(params, Params);
  const viewer = requireViewer(context, request);
  const parsed = AttendeeActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) {
    return pageActionFailure(invalidInput(parsed.error, "That action could not be read. Please reload the page and try again."));
  }
  const input = parsed.data;
  try {
    if (input.intent === "remove") {
      // The first press asks; only the confirming second press removes (no timer).
      if (input.confirm !== "yes") return actionSuccess("", { confirmRemove: { userId: input.userId } });
      const r = await removeAttendee(context.app, viewer, eventId, input.userId);
      return actionSuccess(r.promoted.length > 0 ? "Removed and told. The first person on the waitlist got the place." : "Removed and told.");
    }
    const { capacity } = await promoteAttendee(context.app, viewer, eventId, input.userId, { raiseCapacity: input.raiseCapacity === "yes" });
    return actionSuccess(input.raiseCapacity === "yes" ? `Promoted and told. Capacity is now ${capacity}.` : "Promoted and told.");
  } catch (e) {
    return pageActionFailure(e);
  }
}

type Person = { id: string; name: string };

export default function AttendeesPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const { event } = data;
  const full = event.capacity !== null && data.going.length >= event.capacity;
  const confirming = result?.confirmRemove?.userId ?? null;
  const sections: { key: string; title: string; people: Person[]; empty: string; ordered: boolean; promote?: boolean; remove: boolean }[] = [
    { key: "going", title: "Going", people: data.going, empty: "Nobody is going yet.", ordered: true, remove: true },
    { key: "waitlist", title: "Waitlist", people: data.waitlist, empty: "Nobody is waiting.", ordered: true, promote: true, remove: true },
    { key: "maybe", title: "Maybe", people: data.maybe, empty: "Nobody answered maybe.", ordered: false, remove: true },
    { key: "not-going", title: "Not going", people: data.notGoing, empty: "Nobody answered not going.", ordered: false, remove: false },
  ];
  return (
    <section aria-labelledby="attendees-title" className="space-y-6">
      <p>
        <Link to={`/events/${event.id}`} className="inline-flex min-h-11 items-center">
          ← Back to the event
        </Link>
      </p>
      <h1 id="attendees-title" className="text-3xl">
        Attendees: {event.title}
      </h1>
      <p className="text-lg" data-testid="attendee-counts">
        {data.going.length} going{event.capacity !== null ? ` of ${event.capacity} places` : ""} · {data.waitlist.length} on the waitlist · {data.maybe.length} maybe ·{" "}
        {data.notGoing.length} not going
      </p>
      <p className="flex flex-wrap gap-x-6">
        <Link to={`/events/${event.id}/check-in`} className="inline-flex min-h-11 items-center font-semibold">
          Check-in
        </Link>
        <Link to={`/events/${event.id}/message`} className="inline-flex min-h-11 items-center font-semibold">
          Message attendees
        </Link>
        <a href={`/events/${event.id}/attendees.csv`} download className="inline-flex min-h-11 items-center font-semibold">
          Download the attendee list (CSV)
        </a>
      </p>
      {result && !result.ok ? <FormErrors errors={[result.message]} /> : null}
      {result?.ok && result.message ? <StatusMessage message={result.message} /> : null}
      {sections.map((s) => (
        <section key={s.key} aria-labelledby={`${s.key}-title`} className="space-y-2">
          <h2 id={`${s.key}-title`} className="text-2xl">
            {s.title} ({s.people.length})
          </h2>
          {s.people.length === 0 ? (
            <p>{s.empty}</p>
          ) : (
            <PeopleList ordered={s.ordered} label={s.title}>
              {s.people.map((p) => (
                <li key={p.id} className="flex flex-wrap items-center gap-3 border-b border-stone-200 py-2 dark:border-stone-700">
                  <span className="min-w-40 text-lg">{p.name}</span>
                  {event.manage && s.promote ? <PromoteButton person={p} full={full} /> : null}
                  {event.manage && s.remove ? confirming === p.id ? <ConfirmRemove person={p} /> : <RemoveButton person={p} /> : null}
                </li>
              ))}
            </PeopleList>
          )}
        </section>
      ))}
    </section>
  );
}

function PeopleList({ ordered, label, children }: { ordered: boolean; label: string; children: React.ReactNode }) {
  return ordered ? (
    <ol aria-label={label} className="list-decimal pl-7">
      {children}
    </ol>
  ) : (
    <ul aria-label={label} className="pl-0">
      {children}
    </ul>
  );
}

function useBusy() {
  return useNavigation().state === "submitting";
}

/** When the event is full, promoting means one more place: the button says so. */
function PromoteButton({ person, full }: { person: Person; full: boolean }) {
  const busy = useBusy();
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="promote" />
      <input type="hidden" name="userId" value={person.id} />
      {full ? <input type="hidden" name="raiseCapacity" value="yes" /> : null}
      <Button type="submit" variant="secondary" disabled={busy} aria-label={`${full ? "Promote and raise capacity by 1" : "Promote"}: ${person.name}`}>
        {full ? "Promote and raise capacity by 1" : "Promote"}
      </Button>
    </Form>
  );
}

function RemoveButton({ person }: { person: Person }) {
  const busy = useBusy();
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="remove" />
      <input type="hidden" name="userId" value={person.id} />
      <Button type="submit" variant="quiet" disabled={busy} aria-label={`Remove ${person.name}`}>
        Remove
      </Button>
    </Form>
  );
}

function ConfirmRemove({ person }: { person: Person }) {
  const busy = useBusy();
  return (
    <Form method="post" className="flex flex-wrap items-center gap-3 rounded-lg border-2 border-red-700 p-3" aria-label={`Confirm removing ${person.name}`}>
      <input type="hidden" name="intent" value="remove" />
      <input type="hidden" name="userId" value={person.id} />
      <input type="hidden" name="confirm" value="yes" />
      <p>Remove {person.name}? They lose their reply and are told.</p>
      {/* Focus moves here: the confirm step replaces the Remove button that had it. */}
      <Button type="submit" variant="danger" disabled={busy} autoFocus>
        Yes, remove {person.name}
      </Button>
      <Link to="." className="inline-flex min-h-11 items-center">
        Keep {person.name}
      </Link>
    </Form>
  );
}
