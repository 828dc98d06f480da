import { getFormProps, useForm } from "@conform-to/react";
import { confirmMessageOf, PersonalDataCheck } from "#app/components/personal-data-check";
import { ConfirmPersonalSchema } from "#app/modules/forums/forums.schema";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EventFormFields } from "#app/components/events/event-form";
import { Button } from "#app/components/ui/button";
import { Forbidden } from "#app/lib/errors";
import { formFailure, formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { timeZoneList } from "#app/lib/time";
import { seriesFormSchema } from "#app/modules/events/series.schema";
import { createSeries } from "#app/modules/events/series.server";
import { RepeatFields } from "#app/components/events/repeat-fields";
import { createEvent, listOrganizerChoices } from "#app/modules/events/events.server";
import { formTiming } from "#app/components/ui/field";

export const meta: MetaFunction = () => [{ title: "Post an event — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const organizers = await listOrganizerChoices(context.app, viewer);
    if (organizers.length === 0) throw Forbidden("Only an organization's staff can post events.");
    const url = new URL(request.url);
    const group = url.searchParams.get("group");
    const groupId = organizers.flatMap((o) => o.groups).find((g) => g.id === group)?.id ?? "";
    return { organizers, zones: timeZoneList(), groupId };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: seriesFormSchema({ requireFuture: true }) });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    const { event, repeat } = submission.value;
    const confirmedPersonal = ConfirmPersonalSchema.parse(formData.get("confirmPersonal") ?? undefined);
    const { id } = repeat ? await createSeries(context.app, viewer, event, repeat.rrule, { confirmedPersonal }) : await createEvent(context.app, viewer, event, { confirmedPersonal });
    return redirect(`/events/${id}`);
  } catch (e) {
    return formFailure(submission, e);
  }
}

export default function NewEvent() {
  const { organizers, zones, groupId } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const confirmMessage = confirmMessageOf(lastResult);
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    defaultValue: { organizationId: organizers[0]?.id ?? "", groupId, timeZone: "UTC", format: "online", repeat: "none", repeatEnds: "count" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: seriesFormSchema({ requireFuture: true }) }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="new-event-title" className="max-w-3xl space-y-6">
      <p>
        <Link to="/events" className="inline-flex min-h-11 items-center">
          ← All events
        </Link>
      </p>
      <h1 id="new-event-title" className="text-3xl">
        Post an event
      </h1>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <EventFormFields form={form} fields={fields} organizers={organizers} zones={zones} defaultToBrowserZone={!lastResult} organizationLocked={false} />
        <RepeatFields fields={fields} />
        {confirmMessage ? <PersonalDataCheck message={confirmMessage} textareaId={fields.description.id} answer={lastResult} busy={busy} confirmLabel="Post anyway" editLabel="Edit the description" /> : null}
        <Button type="submit" disabled={busy}>
          {busy ? "Posting…" : "Post event"}
        </Button>
      </Form>
    </section>
  );
}
