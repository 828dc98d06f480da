import { getFormProps, useForm } from "@conform-to/react";
import { confirmMessageOf, PersonalDataCheck } from "#app/components/personal-data-check";
import { ConfirmPersonalSchema } from "#app/modules/forums/forums.schema";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EventFormFields } from "#app/components/events/event-form";
import { CapacityOverflowChoice } from "#app/components/events/capacity-overflow";
import { CapacityOverflowSchema } from "#app/modules/events/attendees.schema";
import { Button } from "#app/components/ui/button";
import { Forbidden } from "#app/lib/errors";
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { timeZoneList, toWallClockInput } from "#app/lib/time";
import { EventIdSchema, eventFormSchema } from "#app/modules/events/events.schema";
import { getEvent, listOrganizerChoices, updateEvent } from "#app/modules/events/events.server";
import { occurrenceEditSchema, scopeLabels } from "#app/modules/events/series.schema";
import { occurrenceOf, updateOccurrence } from "#app/modules/events/series.server";
import { ScopeField } from "#app/components/events/repeat-fields";
import { formTiming } from "#app/components/ui/field";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit ${data.event.title} — Hearth` : "Event not found — Hearth" }];

const EventParams = z.object({ eventId: EventIdSchema });

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { eventId: id } = requireParams(params, EventParams);
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const e = await getEvent(context.app, viewer, id);
    if (!e.permissions.edit) throw Forbidden(e.status === "cancelled" ? "This event has been cancelled; it can't be edited." : "Only the organization's staff can change this event.");
    const organizers = (await listOrganizerChoices(context.app, viewer)).filter((o) => o.id === e.organizationId);
    const inSeries = (await occurrenceOf(context.app.db, e.id)) !== null;
    return {
      inSeries,
      organizers,
      zones: timeZoneList(),
      event: {
        id: e.id,
        title: e.title,
        values: {
          organizationId: e.organizationId,
          groupId: e.group?.id ?? "",
          title: e.title,
          description: e.description,
          timeZone: e.timeZone,
          startsAt: toWallClockInput(e.startsAt, e.timeZone),
          endsAt: toWallClockInput(e.endsAt, e.timeZone),
          format: e.format,
          location: e.location ?? "",
          onlineUrl: e.onlineUrl ?? "",
          capacity: e.capacity === null ? "" : String(e.capacity),
          registrationDeadline: e.registrationDeadline ? toWallClockInput(e.registrationDeadline, e.timeZone) : "",
          ...(inSeries ? { scope: "this" } : {}),
        },
      },
    };
  });
}

/** The answers to the edit's follow-up questions: personal data confirmed, what happens to people over a lower capacity. */
const editOptions = (formData: FormData) => ({
  confirmedPersonal: ConfirmPersonalSchema.parse(formData.get("confirmPersonal") ?? undefined),
  overflow: CapacityOverflowSchema.parse(formData.get("capacityOverflow") ?? undefined),
});

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { eventId: id } = requireParams(params, EventParams);
  const viewer = requireViewer(context, request);
  const formData = await readForm(request);
  // An occurrence of a series is edited with a scope (this / following / all): series.server.ts.
  if ((await occurrenceOf(context.app.db, id)) !== null) {
    const occurrence = parseWithZod(formData, { schema: occurrenceEditSchema() });
    if (occurrence.status !== "success") return formInvalid(occurrence);
    try {
      const { scope, ...input } = occurrence.value;
      await updateOccurrence(context.app, viewer, id, input, scope, editOptions(formData));
      return redirect(`/events/${id}`);
    } catch (e) {
      return formFailure(occurrence, e);
    }
  }
  const submission = parseWithZod(formData, { schema: eventFormSchema({ requireFuture: false }) });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    await updateEvent(context.app, viewer, id, submission.value, editOptions(formData));
    return redirect(`/events/${id}`);
  } catch (e) {
    return formFailure(submission, e);
  }
}

export default function EditEvent() {
  const { organizers, zones, event, inSeries } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const confirmMessage = confirmMessageOf(lastResult);
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    defaultValue: event.values,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inSeries ? occurrenceEditSchema() : eventFormSchema({ requireFuture: false }) }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="edit-event-title" className="max-w-3xl space-y-6">
      <p>
        <Link to={`/events/${event.id}`} className="inline-flex min-h-11 items-center">
          ← Back to the event
        </Link>
      </p>
      <h1 id="edit-event-title" className="text-3xl">
        Edit “{event.title}”
      </h1>
      <p>People who are going get a notice when you change the time, place, link or title.</p>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <EventFormFields form={form} fields={fields} organizers={organizers} zones={zones} defaultToBrowserZone={false} organizationLocked />
        {inSeries ? <ScopeField meta={fields.scope} labels={scopeLabels} /> : null}
        <CapacityOverflowChoice value={CapacityOverflowSchema.parse((lastResult?.initialValue as Record<string, unknown> | undefined)?.capacityOverflow)} />
        {confirmMessage ? <PersonalDataCheck message={confirmMessage} textareaId={fields.description.id} answer={lastResult} busy={busy} confirmLabel="Save anyway" editLabel="Edit the description" /> : null}
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save changes"}
        </Button>
      </Form>
    </section>
  );
}
