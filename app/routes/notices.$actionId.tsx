import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { When } from "#app/components/moderation/when";
import { Badge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { FormErrors } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { AppealSchema } from "#app/modules/moderation/moderation.schema";
import { appealDecision } from "#app/modules/moderation/appeals.server";
import { getNotice } from "#app/modules/moderation/notices.server";
import { formTiming } from "#app/components/ui/field";
import { z } from "zod";

export const meta: MetaFunction = () => [{ title: "A moderation notice — Hearth" }];

const NoticeParams = z.object({ actionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { actionId: id } = requireParams(params, NoticeParams);
  return loaderWork(async () => {
    const notice = await getNotice(context.app, viewer, id);
    return { ...notice, createdAt: notice.createdAt.toISOString() };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { actionId: id } = requireParams(params, NoticeParams);
  const submission = parseWithZod(await readForm(request), { schema: AppealSchema });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    await appealDecision(context.app, viewer, id, submission.value);
    return json(submission.reply({ resetForm: true }));
  } catch (e) {
    return formFailure(submission, e);
  }
}

const appealWords = { open: "Your appeal is with the moderators.", upheld: "The moderators reviewed your appeal and kept their decision.", overturned: "Your appeal was accepted: the decision was reversed." } as const;

export default function Notice() {
  const notice = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AppealSchema }),
    ...formTiming,
  });
  const bodyErrors = fields.body.errors?.filter(Boolean) ?? [];
  return (
    <section aria-labelledby="notice-title" className="max-w-3xl space-y-6">
      <h1 id="notice-title" className="text-3xl">
        {notice.summary}
      </h1>
      <dl className="space-y-3 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
        {notice.group ? (
          <div>
            <dt className="font-semibold">Group</dt>
            <dd>
              <Link to={`/groups/${notice.group.slug}`} className="inline-flex min-h-11 items-center">{notice.group.name}</Link>
            </dd>
          </div>
        ) : null}
        <div>
          <dt className="font-semibold">When</dt>
          <dd>
            <When iso={notice.createdAt} />
          </dd>
        </div>
        <div>
          <dt className="font-semibold">Reason the moderator gave</dt>
          <dd data-testid="notice-reason" className="whitespace-pre-wrap">{notice.reason || "No reason was given."}</dd>
        </div>
        {notice.until ? (
          <div>
            <dt className="font-semibold">Until</dt>
            <dd>
              <When iso={notice.until} />
            </dd>
          </div>
        ) : null}
        {notice.removedText ? (
          <div>
            <dt className="font-semibold">What was removed (only you and the moderators can see it)</dt>
            <dd className="whitespace-pre-wrap">{notice.removedText}</dd>
          </div>
        ) : null}
      </dl>
      <p>
        Our moderators are volunteers who try to keep every group kind and safe. If you think they got this wrong, you can ask them
        to look again, once.
      </p>
      {notice.appeal ? (
        <div className="space-y-2 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600" data-testid="appeal-status">
          <p className="flex items-center gap-2 font-semibold">
            <Badge tone={notice.appeal.status === "overturned" ? "success" : "brand"}>Appeal {notice.appeal.status}</Badge>
            {appealWords[notice.appeal.status]}
          </p>
          <p className="whitespace-pre-wrap">Your appeal: {notice.appeal.body}</p>
          {notice.appeal.note ? <p className="whitespace-pre-wrap">Moderators' note: {notice.appeal.note}</p> : null}
        </div>
      ) : notice.canAppeal ? (
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <FormErrors id={form.errorId} errors={form.errors} />
          <div className="flex flex-col gap-1">
            <label htmlFor={fields.body.id} className="text-lg font-semibold">
              Your appeal
            </label>
            <p id={fields.body.descriptionId} className="text-sm">
              Explain why you think the decision was wrong. 10 to 2,000 characters.
            </p>
            <textarea
              {...getTextareaProps(fields.body, { ariaDescribedBy: fields.body.descriptionId })}
              key={fields.body.key}
              rows={5}
              className={`w-full rounded-lg border-2 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50 ${bodyErrors.length ? "border-red-700 dark:border-red-400" : "border-stone-500"}`}
            />
            <p id={fields.body.errorId} className="font-medium text-red-800 dark:text-red-300" aria-live="polite">
              {bodyErrors.join(" ")}
            </p>
          </div>
          <Button type="submit" disabled={busy}>
            {busy ? "Sending…" : "Send appeal"}
          </Button>
        </Form>
      ) : (
        <p>This decision can't be appealed.</p>
      )}
      <p>
        Going through something hard? <Link to="/help" className="inline-flex min-h-11 items-center">Get help now</Link>.
      </p>
    </section>
  );
}
