import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { SuspendSchema } from "#app/modules/moderation/moderation.schema";
import { OrganizationSlugSchema } from "#app/modules/organizations/organizations.schema";
import { listOrganizations } from "#app/modules/organizations/organizations.server";
import { VerifiedBadge } from "#app/components/ui/badge";
import { liftSuspension, listSuspended, suspendAccount } from "#app/modules/moderation/suspension.server";

export const meta: MetaFunction = () => [{ title: "Administration — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const after = OrganizationSlugSchema.safeParse(new URL(request.url).searchParams.get("orgsAfter") ?? undefined);
  return loaderWork(async () => ({
    suspended: await listSuspended(context.app, viewer),
    organizations: await listOrganizations(context.app, viewer, { after: after.success ? after.data : null }),
  }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: SuspendSchema });
  if (submission.status !== "success") return formInvalid(submission, { done: null });
  try {
    const v = submission.value;
    const r = v.intent === "suspend" ? await suspendAccount(context.app, viewer, v) : await liftSuspension(context.app, viewer, v);
    return json({
      ...submission.reply({ resetForm: true }),
      done: v.intent === "suspend" ? `${r.displayName} is suspended: signed out everywhere, live chat disconnected.` : `${r.displayName} can sign in again.`,
    });
  } catch (e) {
    return formFailure(submission, e);
  }
}

export default function Admin() {
  const { suspended, organizations } = useLoaderData<typeof loader>();
  const last = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "suspend",
    lastResult: last && "status" in last ? last : null,
    defaultValue: { intent: "suspend" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SuspendSchema }),
    ...formTiming,
  });
  const reasonErrors = fields.reason.errors?.filter(Boolean) ?? [];
  return (
    <section aria-labelledby="admin-title" className="max-w-3xl space-y-6">
      <h1 id="admin-title" className="text-3xl">
        Administration
      </h1>
      <ul className="list-disc space-y-1 pl-6">
        <li>
          <Link to="/moderation" className="inline-flex min-h-11 items-center">Moderation queue (escalated reports included)</Link>
        </li>
        <li>
          <Link to="/admin/audit" className="inline-flex min-h-11 items-center">Audit log</Link>
        </li>
        <li>
          <Link to="/admin/applications" className="inline-flex min-h-11 items-center">Organization applications</Link>
        </li>
        <li>
          <Link to="/admin/watched-words" className="inline-flex min-h-11 items-center">Site-wide watched words</Link>
        </li>
      </ul>
      <section aria-labelledby="admin-orgs" className="space-y-3">
        <h2 id="admin-orgs" className="text-2xl">
          Organizations
        </h2>
        {organizations.organizations.length === 0 ? <p>None yet.</p> : null}
        <ul className="space-y-1">
          {organizations.organizations.map((o) => (
            <li key={o.slug} className="flex flex-wrap items-center gap-2">
              <Link to={`/organizations/${o.slug}`} className="inline-flex min-h-11 items-center break-words">
                {o.name}
              </Link>
              {o.verified ? <VerifiedBadge /> : null}
            </li>
          ))}
        </ul>
        {organizations.nextCursor ? (
          <Link to={`?orgsAfter=${organizations.nextCursor}`} className="inline-flex min-h-11 items-center">
            More organizations
          </Link>
        ) : null}
      </section>
      <StatusMessage message={last && "done" in last && typeof last.done === "string" ? last.done : null} />
      <h2 className="text-2xl">Suspend an account</h2>
      <p>Suspension signs the person out everywhere and disconnects their live chat at once. It is written to the audit log.</p>
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <input type="hidden" name="intent" value="suspend" />
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="Display name" meta={fields.displayName as never} />
        <div className="flex flex-col gap-1">
          <label htmlFor={fields.reason.id} className="font-semibold">
            Reason (kept in the audit log)
          </label>
          <textarea
            id={fields.reason.id}
            name={fields.reason.name}
            rows={2}
            maxLength={500}
            aria-invalid={reasonErrors.length ? true : undefined}
            aria-describedby={fields.reason.errorId}
            className="w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50"
          />
          <p id={fields.reason.errorId} className="font-medium text-red-800 dark:text-red-300">{reasonErrors.join(" ")}</p>
        </div>
        <Button type="submit" variant="danger" disabled={busy}>
          Suspend account
        </Button>
      </Form>
      <h2 className="text-2xl">Suspended accounts</h2>
      {suspended.length === 0 ? <p>None.</p> : null}
      <ul className="space-y-3">
        {suspended.map((u) => (
          <li key={u.id} className="rounded-xl border-2 border-stone-300 p-3 dark:border-stone-600">
            <Form method="post" className="flex flex-wrap items-end gap-3">
              <input type="hidden" name="intent" value="lift" />
              <input type="hidden" name="userId" value={u.id} />
              <strong className="min-w-40">{u.displayName}</strong>
              <label className="flex flex-col gap-1">
                <span className="font-semibold">Reason for lifting</span>
                <input name="reason" required minLength={3} maxLength={500} className="min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50" />
              </label>
              <Button type="submit" variant="secondary" disabled={busy}>
                Lift suspension<span className="sr-only">: {u.displayName}</span>
              </Button>
            </Form>
          </li>
        ))}
      </ul>
    </section>
  );
}
