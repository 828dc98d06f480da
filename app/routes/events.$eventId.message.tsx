import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { Button } from "#app/components/ui/button";
import { Field, formTiming, TextareaField } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { formatDayTime, zoneAbbreviation } from "#app/lib/time";
import { EventIdSchema } from "#app/modules/events/events.schema";
import { audienceLabels, EventMessageSchema, MESSAGE_AUDIENCES, MESSAGE_BODY_MAX, MESSAGE_SUBJECT_MAX, type MessageAudience } from "#app/modules/events/messages.schema";
import { getMessagePage, sendEventMessage } from "#app/modules/events/messages.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Message attendees: ${data.event.title} — Hearth` : "Event not found — Hearth" }];

const Params = z.object({ eventId: EventIdSchema });

const people = (n: number) => `${n.toLocaleString("en-GB")} ${n === 1 ? "person" : "people"}`;

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { eventId } = requireParams(params, Params);
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const { event, counts, sent } = await getMessagePage(context.app, viewer, eventId);
    return {
      event: { id: event.id, title: event.title },
      counts,
      sent: sent.map((m) => ({
        id: m.id,
        subject: m.subject,
        // "Sent Tue 2 Dec, 18:05 CET to 12 people (going, maybe)", in the event's own zone.
        line: `Sent ${formatDayTime(m.createdAt, event.timeZone)} ${zoneAbbreviation(m.createdAt, event.timeZone)} to ${people(m.recipientCount)} (${m.audience.map((a) => audienceLabels[a as MessageAudience]?.toLowerCase() ?? a).join(", ")})`,
      })),
    };
  });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { eventId } = requireParams(params, Params);
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: EventMessageSchema });
  if (submission.status !== "success") return formInvalid(submission, { sent: null });
  try {
    const { recipientCount } = await sendEventMessage(context.app, viewer, eventId, submission.value);
    return json({ ...submission.reply({ resetForm: true }), sent: `Your message is on its way to ${people(recipientCount)}.` });
  } catch (e) {
    return formFailure(submission, e, [], { sent: null });
  }
}

export default function MessageAttendees() {
  const { event, counts, sent } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    defaultValue: { audience: ["going"] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: EventMessageSchema }),
    ...formTiming,
  });
  const initial = (fields.audience.initialValue as string[] | string | undefined) ?? ["going"];
  const [chosen, setChosen] = useState<Set<string>>(new Set(Array.isArray(initial) ? initial : [initial]));
  // A sent message resets the form to its defaults: the preview follows.
  useEffect(() => {
    if (lastResult?.sent) setChosen(new Set(["going"]));
  }, [lastResult]);
  const reach = MESSAGE_AUDIENCES.filter((a) => chosen.has(a)).reduce((n, a) => n + counts[a], 0);
  const audienceErrors = fields.audience.errors?.filter(Boolean) ?? [];
  return (
    <section aria-labelledby="message-title" className="max-w-3xl space-y-6">
      <p>
        <Link to={`/events/${event.id}`} className="inline-flex min-h-11 items-center">
          ← Back to the event
        </Link>
      </p>
      <h1 id="message-title" className="text-3xl">
        Message attendees of “{event.title}”
      </h1>
      <p>They get it in Hearth, and by e-mail unless they chose otherwise. Replies don't come back here: add how to reach you if you want answers.</p>
      {lastResult?.sent ? (
        <p role="status" className="rounded-lg border-2 border-green-700 bg-green-50 p-4 text-green-900 dark:bg-green-950 dark:text-green-100">
          {lastResult.sent}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <fieldset className="space-y-1" aria-describedby={`${fields.audience.errorId} message-reach`} aria-invalid={audienceErrors.length ? true : undefined}>
          <legend className="text-base font-semibold">Who gets it</legend>
          {MESSAGE_AUDIENCES.map((a) => {
            const { key, ...props } = getInputProps(fields.audience, { type: "checkbox", value: a });
            return (
              <label key={key ?? a} className="flex min-h-11 cursor-pointer items-center gap-3">
                <input
                  {...props}
                  id={`${fields.audience.id}-${a}`}
                  aria-invalid={undefined}
                  aria-describedby={undefined}
                  className="h-6 w-6"
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(a);
                    else next.delete(a);
                    setChosen(next);
                  }}
                />
                <span>
                  {audienceLabels[a]} ({people(counts[a])})
                </span>
              </label>
            );
          })}
          <p id={fields.audience.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
            {audienceErrors.length ? audienceErrors.join(" ") : null}
          </p>
          <p id="message-reach" className="text-lg font-semibold" aria-live="polite">
            This message reaches {people(reach)}.
          </p>
        </fieldset>
        <Field label="Subject" meta={fields.subject} hint={`At most ${MESSAGE_SUBJECT_MAX} characters.`} />
        <TextareaField label="Message" meta={fields.body} hint={`Markdown works. At most ${MESSAGE_BODY_MAX.toLocaleString("en-GB")} characters.`} rows={10} />
        <Button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Send message"}
        </Button>
      </Form>
      <section aria-labelledby="sent-title" className="space-y-3">
        <h2 id="sent-title" className="text-2xl">
          Sent messages
        </h2>
        {sent.length === 0 ? (
          <p>No messages sent yet.</p>
        ) : (
          <ul className="space-y-2">
            {sent.map((m) => (
              <li key={m.id} className="rounded-lg border-2 border-stone-300 p-3 dark:border-stone-600">
                <p className="font-semibold">{m.subject}</p>
                <p>{m.line}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
