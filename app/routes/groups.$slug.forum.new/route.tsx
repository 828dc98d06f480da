import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ComposeButtons, PreviewPanel } from "#app/components/forum/compose-fields";
import { DraftAutosave } from "#app/components/forum/draft-autosave";
import { confirmMessageOf, PersonalDataCheck } from "#app/components/personal-data-check";
import { formTiming } from "#app/components/ui/field";
import { MARKDOWN_HINT } from "#app/components/ui/markdown-content";
import { MENTION_HINT, MentionTextareaField } from "#app/components/ui/mention-textarea";
import { Field } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { Forbidden } from "#app/lib/errors";
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { renderMarkdown } from "#app/lib/markdown.server";
import { NewThreadSchema, TITLE_MAX } from "#app/modules/forums/forums.schema";
import { getForum, submitThread } from "#app/modules/forums/threads.server";
import { draftKeys, getDraft } from "#app/modules/forums/drafts.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Start a thread in ${data.group.name} — Hearth` : "Not found — Hearth" }];

const GroupParams = z.object({ slug: GroupSlugSchema });

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, GroupParams);
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const forum = await getForum(context.app, viewer, slug);
    if (!forum.permissions.createThread) throw Forbidden("Only members of this group can start threads. Join the group first.");
    const draftKey = draftKeys.thread(forum.group.id);
    // "Members only" is a choice only where visitors can read the forum (elsewhere every thread is).
    const membersOnlyChoice = forum.group.visibility === "public" && forum.group.target.forumPublic;
    return { group: { slug: forum.group.slug, name: forum.group.name }, membersOnlyChoice, viewerId: viewer.id, draftKey, draft: await getDraft(context.app, viewer, draftKey) };
  });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { slug } = requireParams(params, GroupParams);
  const viewer = requireViewer(context, request);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: NewThreadSchema });
  // Preview needs only the body; a missing title shouldn't stand in its way.
  if (formData.get("intent") === "preview") {
    const body = String(formData.get("body") ?? "").trim();
    const reply = submission.reply();
    return json({ ...reply, error: undefined, preview: body ? renderMarkdown(body.slice(0, 20_000)) : "" });
  }
  if (submission.status !== "success") return formInvalid(submission, { preview: null });
  try {
    const started = await submitThread(context.app, viewer, slug, { ...submission.value, confirmedPersonal: submission.value.confirmPersonal });
    // Held for a moderator: back to the forum, which thanks the author and lists what is waiting.
    if (started.held) return redirect(`/groups/${slug}/forum?held=1`);
    const { threadId, crisisPrompt } = started;
    return redirect(`/groups/${slug}/forum/${threadId}${crisisPrompt ? "?help=1" : ""}`);
  } catch (e) {
    return formFailure(submission, e);
  }
}

export default function NewThread() {
  const { group, membersOnlyChoice, viewerId, draftKey, draft } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "post";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    defaultValue: draft ? { title: draft.title, body: draft.body } : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewThreadSchema }),
    ...formTiming,
  });
  const preview = (lastResult as { preview?: string | null } | undefined)?.preview ?? null;
  const confirmMessage = confirmMessageOf(lastResult);
  return (
    <section aria-labelledby="new-thread-title" className="max-w-3xl space-y-6">
      <p>
        <Link to={`/groups/${group.slug}/forum`} className="inline-flex min-h-11 items-center">
          ← {group.name} forum
        </Link>
      </p>
      <h1 id="new-thread-title" className="text-3xl">
        Start a thread in {group.name}
      </h1>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="Title" meta={fields.title} hint={`What is it about? Up to ${TITLE_MAX} characters.`} inputProps={{ autoComplete: "off" }} />
        <MentionTextareaField label="Your post" meta={fields.body} hint={`${MARKDOWN_HINT} ${MENTION_HINT}`} rows={10} slug={group.slug} />
        {membersOnlyChoice ? (
          <label className="flex min-h-11 items-center gap-3">
            <input type="checkbox" name="membersOnly" value="on" className="h-6 w-6" />
            Members only: only members of this group can read this thread
          </label>
        ) : null}
        {confirmMessage ? <PersonalDataCheck message={confirmMessage} textareaId={fields.body.id} answer={lastResult} busy={busy} /> : null}
        <DraftAutosave formId={form.id} draftKey={draftKey} userId={viewerId} server={draft} titleName={fields.title.name} bodyName={fields.body.name} />
        <ComposeButtons busy={busy} submitLabel="Post thread" busyLabel="Posting…" />
        <PreviewPanel html={preview} />
      </Form>
    </section>
  );
}
