import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { Button } from "#app/components/ui/button";
import { FormErrors } from "#app/components/ui/form-errors";
import { inputClass } from "#app/components/ui/field";
import { actionSuccess, invalidInput, loaderWork, pageActionFailure, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { formatDayTime, zoneAbbreviation } from "#app/lib/time";
import { CheckInActionSchema } from "#app/modules/events/attendees.schema";
import { checkInWindow, setCheckedIn } from "#app/modules/events/attendees.server";
import { EventIdSchema } from "#app/modules/events/events.schema";
import { listAttendees } from "#app/modules/events/events.server";
import { Forbidden } from "#app/lib/errors";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Check-in: ${data.event.title} — Hearth` : "Event not found — Hearth" }];

const Params = z.object({ eventId: EventIdSchema });
const Query = z.object({ q: z.string().trim().max(100).catch("") });

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { eventId } = requireParams(params, Params);
  const viewer = requireViewer(context, request);
  const { q } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loaderWork(async () => {
    const { event, going } = await listAttendees(context.app, viewer, eventId);
    if (!event.permissions.manageAttendees) throw Forbidden("Only the organizers can manage this event's attendees.");
    const when = (d: Date) => `${formatDayTime(d, event.timeZone, { year: true })} ${zoneAbbreviation(d, event.timeZone)}`;
    return {
      event: { id: event.id, title: event.title, starts: when(event.startsAt), window: checkInWindow(event, new Date()) },
      q,
      people: going.map((r) => ({ id: r.userId, name: r.displayName, here: r.checkedInAt !== null })),
    };
  });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { eventId } = requireParams(params, Params);
  const viewer = requireViewer(context, request);
  const parsed = CheckInActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return pageActionFailure(invalidInput(parsed.error, "That check-in could not be read. Please reload the page and try again."));
  try {
    const { here } = await setCheckedIn(context.app, viewer, eventId, parsed.data.userId, parsed.data.here === "yes");
    return actionSuccess(here ? "Marked as here." : "Marked as not here.", { here });
  } catch (e) {
    return pageActionFailure(e);
  }
}

export default function CheckInPage() {
  const { event, q, people } = useLoaderData<typeof loader>();
  const [filter, setFilter] = useState(q);
  const needle = filter.trim().toLocaleLowerCase();
  const shown = needle ? people.filter((p) => p.name.toLocaleLowerCase().includes(needle)) : people;
  return (
    <section aria-labelledby="check-in-title" className="space-y-6">
      <p>
        <Link to={`/events/${event.id}/attendees`} className="inline-flex min-h-11 items-center">
          ← Attendees
        </Link>
      </p>
      <h1 id="check-in-title" className="text-3xl">
        Check-in: {event.title}
      </h1>
      {event.window !== "open" ? (
        <p className="rounded-lg border-2 border-amber-700 bg-amber-50 p-4 text-amber-950 dark:bg-amber-950 dark:text-amber-50">
          {event.window === "early"
            ? `Check-in is meant for the day: the event starts ${event.starts}. You can still mark people here.`
            : "This event ended more than a day ago. You can still correct who came."}
        </p>
      ) : null}
      <HereCount people={people} />
      {/* Without JavaScript the filter is a search (?q=); with it the list narrows as you type. */}
      <Form method="get" role="search" className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-lg font-semibold">
          Filter by name
          <input type="search" name="q" value={filter} onChange={(e) => setFilter(e.target.value)} className={inputClass()} autoComplete="off" />
        </label>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </Form>
      {people.length === 0 ? <p>Nobody is going yet.</p> : shown.length === 0 ? <p>Nobody going matches “{filter}”.</p> : null}
      <ul aria-label="People going" className="grid gap-3 sm:grid-cols-2">
        {shown.map((p) => (
          <CheckInToggle key={p.id} person={p} />
        ))}
      </ul>
    </section>
  );
}

function HereCount({ people }: { people: { here: boolean }[] }) {
  const here = people.filter((p) => p.here).length;
  return (
    <p className="text-2xl font-semibold" aria-live="polite" data-testid="here-count">
      {here} of {people.length} here
    </p>
  );
}

/** One big toggle per person: a form post (works without JavaScript); with it, a fetcher, no reload. */
function CheckInToggle({ person }: { person: { id: string; name: string; here: boolean } }) {
  const fetcher = useFetcher<typeof action>();
  const pending = fetcher.formData?.get("here");
  const here = pending ? pending === "yes" : person.here;
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  return (
    <li>
      <fetcher.Form method="post">
        <input type="hidden" name="userId" value={person.id} />
        <input type="hidden" name="here" value={here ? "no" : "yes"} />
        <button
          type="submit"
          aria-pressed={here}
          className={`flex min-h-16 w-full items-center gap-4 rounded-xl border-4 px-5 py-3 text-left text-xl font-semibold ${
            here ? "border-green-800 bg-green-50 text-green-950 dark:border-green-300 dark:bg-green-950 dark:text-green-50" : "border-stone-400 bg-white text-stone-900 dark:bg-stone-800 dark:text-stone-50"
          }`}
        >
          <span aria-hidden="true" className="inline-flex h-8 w-8 shrink-0 items-center justify-center rounded border-2 border-current">
            {here ? "✓" : ""}
          </span>
          Mark {person.name} as here
        </button>
      </fetcher.Form>
      {failed ? <FormErrors errors={[failed]} /> : null}
    </li>
  );
}
