import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { RelativeTime } from "#app/components/forum/relative-time";
import { Badge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { NotificationActionSchema } from "#app/modules/notifications/notifications.schema";
import { listNotifications, markRead } from "#app/modules/notifications/notifications.server";

export const meta: MetaFunction = () => [{ title: "Notifications — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const after = new URL(request.url).searchParams.get("after");
  return loaderWork(async () => {
    const { notifications, nextCursor } = await listNotifications(context.app, viewer, { after });
    return {
      now: new Date().toISOString(),
      notifications: notifications.map((n) => ({ ...n, link: n.link && n.link.startsWith("/") && !n.link.startsWith("//") ? n.link : null })),
      nextCursor,
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: NotificationActionSchema });
  if (submission.status !== "success") return formInvalid(submission);
  await markRead(context.app, viewer, submission.value.intent === "read" ? [submission.value.id] : undefined);
  return json(submission.reply({ resetForm: true }));
}

export default function Notifications() {
  const { notifications, nextCursor, now } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  const unread = notifications.filter((n) => !n.readAt).length;
  return (
    <section aria-labelledby="notifications-title" className="max-w-3xl space-y-6">
      <h1 id="notifications-title" className="text-3xl">
        Notifications
      </h1>
      {unread > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="read-all" />
          <Button type="submit" variant="secondary" disabled={busy}>
            Mark all as read
          </Button>
        </Form>
      ) : null}
      {notifications.length === 0 ? <p>Nothing here yet. You'll hear here when an event you are going to changes.</p> : null}
      <ul aria-label="Notifications" className="space-y-3">
        {notifications.map((n) => (
          <li key={n.id} className="space-y-2 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
            <p className="flex flex-wrap items-center gap-2 text-lg font-semibold">
              {n.readAt ? null : <Badge tone="brand">New</Badge>}
              {n.link ? <Link to={n.link} className="inline-flex min-h-11 items-center">{n.title}</Link> : n.title}
            </p>
            {n.body ? <p>{n.body}</p> : null}
            <p className="text-sm">
              <RelativeTime iso={n.createdAt} now={now} />
            </p>
            {n.readAt ? null : (
              <Form method="post">
                <input type="hidden" name="intent" value="read" />
                <input type="hidden" name="id" value={n.id} />
                <Button type="submit" variant="quiet" disabled={busy}>
                  Mark as read<span className="sr-only">: {n.title}</span>
                </Button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      {nextCursor ? (
        <p>
          <Link to={`/notifications?after=${encodeURIComponent(nextCursor)}`} className="inline-flex min-h-11 items-center">
            Older notifications
          </Link>
        </p>
      ) : null}
    </section>
  );
}
