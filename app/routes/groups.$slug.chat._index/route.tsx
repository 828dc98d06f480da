import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ChatSearchForm } from "#app/components/chat/chat-search-form";
import { Badge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { RoomIntentSchema } from "#app/modules/chat/chat.schema";
import { archiveRoom, createRoom, listRooms, renameRoom } from "#app/modules/chat/chat.server";
import { setRetention } from "#app/modules/chat/retention.server";
import { retentionChoices, retentionText } from "#app/modules/chat/retention.schema";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { formTiming } from "#app/components/ui/field";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Chat rooms · ${data.group.name} — Hearth` : "Group not found — Hearth" }];

const GroupParams = z.object({ slug: GroupSlugSchema });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, GroupParams);
  return loaderWork(async () => {
    const { group, rooms, permissions } = await listRooms(context.app, context.viewer, slug);
    return {
      group: { slug: group.slug, name: group.name, member: group.membership?.status === "active" },
      rooms,
      permissions,
      signedIn: context.viewer !== null,
    };
  });
}

/** Moderators create, rename, archive and reopen rooms. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, GroupParams);
  const submission = parseWithZod(await readForm(request), { schema: RoomIntentSchema });
  if (submission.status !== "success") return formInvalid(submission, { message: null });
  const input = submission.value;
  try {
    let message: string;
    if (input.intent === "create") message = `Room “${(await createRoom(context.app, viewer, slug, input)).name}” created.`;
    else if (input.intent === "rename") message = `Room renamed to “${(await renameRoom(context.app, viewer, slug, input)).name}”.`;
    else if (input.intent === "retention") {
      const room = await setRetention(context.app, viewer, slug, { roomId: input.roomId, days: input.retention });
      message = `“${room.name}”: ${retentionText(room.days)}`;
    }
    else {
      const archived = input.intent === "archive";
      const room = await archiveRoom(context.app, viewer, slug, { roomId: input.roomId, archived });
      message = archived ? `Room “${room.name}” archived.` : `Room “${room.name}” reopened.`;
    }
    return json({ ...submission.reply({ resetForm: true }), message });
  } catch (e) {
    return formFailure(submission, e, [], { message: null });
  }
}

export default function ChatRooms() {
  const { group, rooms, permissions, signedIn } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: data,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RoomIntentSchema }),
    ...formTiming,
  });
  return (
    <div className="space-y-6">
      <p>
        <Link to={`/groups/${group.slug}`} className="inline-flex min-h-11 items-center">
          ← {group.name}
        </Link>
      </p>
      <h1 className="text-3xl">Chat rooms</h1>
      {!signedIn ? (
        <p>
          <a href={`/signin?redirectTo=${encodeURIComponent(`/groups/${group.slug}/chat`)}`} className="inline-flex min-h-11 items-center">Sign in</a> and join the group to chat.
        </p>
      ) : !group.member && !permissions.manageRooms ? (
        <p>Chat is for the group&apos;s members. Join the group from its page to take part.</p>
      ) : null}
      <StatusMessage message={data?.message} />
      {rooms.some((r) => r.canOpen) ? <ChatSearchForm slug={group.slug} compact /> : null}
      {rooms.length === 0 ? <p>No rooms yet.</p> : null}
      <ul className="space-y-3">
        {rooms.map((room) => (
          <li key={room.id} className="space-y-2 rounded-lg border-2 border-stone-300 p-4 dark:border-stone-600">
            <div className="flex flex-wrap items-center gap-3">
              {room.canOpen ? (
                <Link to={`/groups/${group.slug}/chat/${room.id}`} className="inline-flex min-h-11 items-center text-xl font-semibold">
                  {room.name}
                </Link>
              ) : (
                <span className="text-xl font-semibold">{room.name}</span>
              )}
              {room.locked ? <Badge tone="warning">Locked</Badge> : null}
              {room.archived ? <Badge>Archived</Badge> : null}
              <span className="text-sm">
                {room.messageCount} {room.messageCount === 1 ? "message" : "messages"}
              </span>
              {room.unread > 0 ? (
                <Badge tone="brand">
                  <span data-testid="room-unread">{room.unread > 99 ? "99+" : room.unread} unread</span>
                </Badge>
              ) : null}
            </div>
            <p className="text-base" data-testid="room-retention">
              {retentionText(room.retentionDays)}
            </p>
            {permissions.setRetention ? (
              <Form method="post" className="flex flex-wrap items-end gap-2">
                <input type="hidden" name="intent" value="retention" />
                <input type="hidden" name="roomId" value={room.id} />
                <div className="flex min-w-0 max-w-full flex-col gap-1">
                  <label htmlFor={`retention-${room.id}`} className="text-sm font-semibold">
                    Keep messages in {room.name}
                  </label>
                  <select
                    id={`retention-${room.id}`}
                    name="retention"
                    defaultValue={room.retentionDays === null ? "forever" : String(room.retentionDays)}
                    className="min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 text-lg dark:bg-stone-800"
                  >
                    {retentionChoices.map((c) => (
                      <option key={c.label} value={c.days === null ? "forever" : String(c.days)}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                </div>
                <Button type="submit" variant="secondary" disabled={busy}>
                  Save<span className="sr-only"> how long {room.name} keeps messages</span>
                </Button>
              </Form>
            ) : null}
            {permissions.manageRooms ? (
              <div className="flex flex-wrap items-end gap-3">
                <Form method="post" className="flex flex-wrap items-end gap-2">
                  <input type="hidden" name="intent" value="rename" />
                  <input type="hidden" name="roomId" value={room.id} />
                  <div className="flex min-w-0 max-w-full flex-col gap-1">
                    <label htmlFor={`rename-${room.id}`} className="text-sm font-semibold">
                      New name for {room.name}
                    </label>
                    <input
                      id={`rename-${room.id}`}
                      name="name"
                      required
                      minLength={2}
                      maxLength={60}
                      defaultValue={room.name}
                      className="min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 text-lg dark:bg-stone-800"
                    />
                  </div>
                  <Button type="submit" variant="secondary" disabled={busy}>
                    Rename<span className="sr-only"> {room.name}</span>
                  </Button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value={room.archived ? "unarchive" : "archive"} />
                  <input type="hidden" name="roomId" value={room.id} />
                  <Button type="submit" variant="secondary" disabled={busy}>
                    {room.archived ? "Reopen" : "Archive"}
                    <span className="sr-only"> {room.name}</span>
                  </Button>
                </Form>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {permissions.manageRooms ? (
        <section aria-labelledby="new-room-title" className="space-y-3">
          <h2 id="new-room-title" className="text-2xl">
            New room
          </h2>
          <Form method="post" {...getFormProps(form)} className="space-y-3">
            <FormErrors id={form.errorId} errors={form.errors} />
            <input type="hidden" name="intent" value="create" />
            <div className="flex flex-col gap-1">
              <label htmlFor={fields.name.id} className="font-semibold">
                Room name
              </label>
              <input
                {...getInputProps(fields.name, { type: "text" })}
                key={fields.name.key}
                className="min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 text-lg dark:bg-stone-800"
              />
              <p id={fields.name.errorId} className="font-medium text-red-800 dark:text-red-300">
                {fields.name.errors?.join(" ")}
              </p>
            </div>
            <Button type="submit" disabled={busy}>
              Create room
            </Button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
