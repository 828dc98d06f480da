import { getFormProps, useForm } from "@conform-to/react";
import { confirmMessageOf, PersonalDataCheck } from "#app/components/personal-data-check";
import { ConfirmPersonalSchema } from "#app/modules/forums/forums.schema";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EventFormFields } from "#app/components/events/event-form";
import { Button } from "#app/components/ui/button";
import { Forbidden } from "#app/lib/errors";
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { timeZoneList, toWallClockInput } from "#app/lib/time";
import { EventIdSchema, eventFormSchema } from "#app/modules/events/events.schema";
import { getEvent, listOrganizerChoices, updateEvent } from "#app/modules/events/events.server";
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
    return {
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
        },
      },
    };
  });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { eventId: id } = requireParams(params, EventParams);
  const viewer = requireViewer(context, request);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: eventFormSchema({ requireFuture: false }) });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    await updateEvent(context.app, viewer, id, submission.value, { confirmedPersonal: ConfirmPersonalSchema.parse(formData.get("confirmPersonal") ?? undefined) });
    return redirect(`/events/${id}`);
  } catch (e) {
    return formFailure(submission, e);
  }
}

export default function EditEvent() {
  const { organizers, zones, event } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const confirmMessage = confirmMessageOf(lastResult);
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    defaultValue: event.values,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: eventFormSchema({ requireFuture: false }) }),
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
        {confirmMessage ? <PersonalDataCheck message={confirmMessage} textareaId={fields.description.id} answer={lastResult} busy={busy} confirmLabel="Save anyway" editLabel="Edit the description" /> : null}
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save changes"}
        </Button>
      </Form>
    </section>
  );
}
