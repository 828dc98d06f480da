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
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { renderMarkdown } from "#app/lib/markdown.server";
import { EditPostSchema, PostIdSchema, ThreadIdSchema } from "#app/modules/forums/forums.schema";
import { editPost, getPostForEdit } from "#app/modules/forums/posts.server";
import { draftKeys, getDraft } from "#app/modules/forums/drafts.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit your post in “${data.thread.title}” — Hearth` : "Not found — Hearth" }];

const PostParams = z.object({ slug: GroupSlugSchema, threadId: ThreadIdSchema, postId: PostIdSchema });

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { slug, threadId, postId } = requireParams(params, PostParams);
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const page = await getPostForEdit(context.app, viewer, slug, threadId, postId);
    const draftKey = draftKeys.edit(postId);
    return { ...page, viewerId: viewer.id, draftKey, draft: await getDraft(context.app, viewer, draftKey) };
  });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { slug, threadId, postId } = requireParams(params, PostParams);
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: EditPostSchema });
  if (submission.status !== "success") return formInvalid(submission, { preview: null });
  if (submission.value.intent === "preview") return json({ ...submission.reply(), preview: renderMarkdown(submission.value.body) });
  try {
    const { title, body, confirmPersonal } = submission.value;
    const post = await getPostForEdit(context.app, viewer, slug, threadId, postId);
    await editPost(context.app, viewer, slug, threadId, postId, { body, title: post.post.isOpening ? title : undefined, confirmedPersonal: confirmPersonal });
    const page = post.post.isOpening ? "" : "?from=latest";
    return redirect(`/groups/${slug}/forum/${threadId}${page}#post-${postId}`);
  } catch (e) {
    return formFailure(submission, e);
  }
}

export default function EditPost() {
  const { group, thread, post, viewerId, draftKey, draft } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "post";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    defaultValue: { body: draft?.body ?? post.body, ...(post.isOpening ? { title: draft?.title || thread.title } : {}) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: EditPostSchema }),
    ...formTiming,
  });
  const preview = (lastResult as { preview?: string | null } | undefined)?.preview ?? null;
  const confirmMessage = confirmMessageOf(lastResult);
  return (
    <section aria-labelledby="edit-title" className="max-w-3xl space-y-6">
      <p>
        <Link to={`/groups/${group.slug}/forum/${thread.id}`} className="inline-flex min-h-11 items-center">
          ← {thread.title}
        </Link>
      </p>
      <h1 id="edit-title" className="text-3xl">
        Edit your {post.isOpening ? "thread" : "reply"}
      </h1>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        {post.isOpening ? <Field label="Title" meta={fields.title} inputProps={{ autoComplete: "off" }} /> : null}
        <MentionTextareaField label="Your post" meta={fields.body} hint={`${MARKDOWN_HINT} ${MENTION_HINT}`} rows={10} slug={group.slug} />
        {confirmMessage ? <PersonalDataCheck message={confirmMessage} textareaId={fields.body.id} answer={lastResult} busy={busy} confirmLabel="Save anyway" editLabel="Edit my post" /> : null}
        <DraftAutosave
          formId={form.id}
          draftKey={draftKey}
          userId={viewerId}
          server={draft}
          original={{ title: post.isOpening ? thread.title : "", body: post.body }}
          titleName={post.isOpening ? fields.title.name : undefined}
          bodyName={fields.body.name}
        />
        <ComposeButtons busy={busy} submitLabel="Save changes" busyLabel="Saving…" />
        <PreviewPanel html={preview} />
      </Form>
    </section>
  );
}
