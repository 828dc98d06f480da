import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { RoomIdSchema } from "#app/modules/chat/chat.schema";
import { MoveToForumSchema } from "#app/modules/chat/move.schema";
import { movePreview, moveToForum } from "#app/modules/chat/move.server";
import { TITLE_MAX } from "#app/modules/forums/forums.schema";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Move to the forum · ${data.room.name} — Hearth` : "Not found — Hearth" }];

const Params = z.object({ slug: GroupSlugSchema, roomId: RoomIdSchema, messageId: RoomIdSchema });

/** A moderator turns a chat message and its replies into a forum thread (logic in modules/chat/move.server.ts). */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug, roomId, messageId } = requireParams(params, Params);
  return loaderWork(() => movePreview(context.app, viewer, slug, { roomId, messageId }));
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug, roomId, messageId } = requireParams(params, Params);
  const submission = parseWithZod(await readForm(request), { schema: MoveToForumSchema });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    const { href } = await moveToForum(context.app, viewer, slug, { roomId, messageId, ...submission.value });
    return redirect(href);
  } catch (e) {
    return formFailure(submission, e);
  }
}

export default function MoveToForum() {
  const { group, room, messages, truncated } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MoveToForumSchema }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="move-title" className="max-w-3xl space-y-6">
      <p>
        <Link to={room.href} className="inline-flex min-h-11 items-center">
          ← Back to {room.name}
        </Link>
      </p>
      <h1 id="move-title" className="text-3xl">
        Move to the forum
      </h1>
      <p>
        These messages from the chat room {room.name} become a new thread in the {group.name} forum, each posted by the person who wrote it. They stay in the room with a link to
        the thread, and their authors are told.
      </p>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="Thread title" meta={fields.title} hint={`What is it about? Up to ${TITLE_MAX} characters.`} inputProps={{ autoComplete: "off" }} />
        <fieldset className="space-y-3" aria-describedby={fields.include.errorId}>
          <legend className="text-xl font-semibold">Messages to move</legend>
          <p className="text-base">All are chosen. Uncheck any you want to leave out; the first one you keep opens the thread.</p>
          <ul className="space-y-2">
            {messages.map((m) => (
              <li key={m.id}>
                <label className="flex min-h-11 cursor-pointer items-start gap-3 rounded-lg border-2 border-stone-300 p-3 dark:border-stone-600">
                  <input type="checkbox" name={fields.include.name} value={m.id} defaultChecked className="mt-1 h-6 w-6 shrink-0" />
                  <span className="min-w-0 break-words">
                    <span className="font-semibold">{m.authorName}</span>
                    {m.voice ? <span> (voice note)</span> : null}: <span className="whitespace-pre-wrap">{m.body}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {truncated ? <p>Only the first {messages.length} messages are listed; a move takes at most that many.</p> : null}
          <p id={fields.include.errorId} className="font-medium text-red-800 dark:text-red-300">
            {fields.include.errors?.join(" ")}
          </p>
        </fieldset>
        <Button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create thread"}
        </Button>
      </Form>
    </section>
  );
}
