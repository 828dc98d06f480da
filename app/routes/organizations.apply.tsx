import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { ApplicationSchema } from "#app/modules/organizations/organizations.schema";
import { applyForOrganization, listMyApplications } from "#app/modules/organizations/organizations.server";

export const meta: MetaFunction = () => [{ title: "Register a patient organization — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => ({
    applications: (await listMyApplications(context.app, viewer)).map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
  }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: ApplicationSchema });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    await applyForOrganization(context.app, viewer, submission.value);
    return json({ ...submission.reply({ resetForm: true }), sent: true });
  } catch (e) {
    return formFailure(submission, e);
  }
}

export default function Apply() {
  const { applications } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApplicationSchema }),
    ...formTiming,
  });
  const descErrors = fields.description.errors?.filter(Boolean) ?? [];
  const sent = !!lastResult && "sent" in lastResult && lastResult.sent === true;
  return (
    <section aria-labelledby="apply-title" className="max-w-3xl space-y-6">
      <h1 id="apply-title" className="text-3xl">
        Register a patient organization
      </h1>
      <p>Patient organizations run Hearth's groups. A site administrator checks each application before the organization is verified.</p>
      <StatusMessage message={sent ? "Thank you. Your application is waiting for review; you'll get a notification." : null} />
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="Organization name" meta={fields.name} />
        <Field label="Website" type="url" meta={fields.website} hint="The full address, starting with https://" />
        <div className="flex flex-col gap-1">
          <label htmlFor={fields.description.id} className="font-semibold">
            What the organization does
          </label>
          <textarea
            {...getTextareaProps(fields.description)}
            key={fields.description.key}
            rows={5}
            className={`w-full rounded-lg border-2 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50 ${descErrors.length ? "border-red-700" : "border-stone-500"}`}
          />
          <p id={fields.description.errorId} className="font-medium text-red-800 dark:text-red-300" aria-live="polite">
            {descErrors.join(" ")}
          </p>
        </div>
        <Field label="How we can reach you" meta={fields.contact} hint="An email address or phone number. Only site administrators see it." />
        <Button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Send application"}
        </Button>
      </Form>
      {applications.length ? (
        <>
          <h2 className="text-2xl">Your applications</h2>
          <ul className="list-disc pl-6">
            {applications.map((a) => (
              <li key={a.id}>
                {a.name}: {a.status}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
