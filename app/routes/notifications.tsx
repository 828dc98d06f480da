import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { RelativeTime } from "#app/components/forum/relative-time";
import { Badge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { CursorParamSchema } from "#app/lib/cursor-param";
import { formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { buildFeed, type FeedLine } from "#app/modules/notifications/feed";
import { NotificationActionSchema } from "#app/modules/notifications/notifications.schema";
import { listNotifications, markRead } from "#app/modules/notifications/notifications.server";

export const meta: MetaFunction = () => [{ title: "Notifications — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const after = CursorParamSchema.parse(new URL(request.url).searchParams.get("after") ?? undefined) ?? null;
  return loaderWork(async () => {
    const { notifications, nextCursor, timeZone } = await listNotifications(context.app, viewer, { after });
    const now = context.app.clock.now();
    return { now: now.toISOString(), days: buildFeed(notifications, now, timeZone), nextCursor, older: after !== null };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: NotificationActionSchema });
  if (submission.status !== "success") return formInvalid(submission);
  await markRead(context.app, viewer, submission.value.intent === "read" ? submission.value.id : undefined);
  return json(submission.reply({ resetForm: true }));
}

export default function Notifications() {
  const { days, nextCursor, now, older } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  // Posting back to the page it is on keeps an older page where it was.
  const { search } = useLocation();
  const unread = days.reduce((n, d) => n + d.lines.filter((l) => l.unread).length, 0);
  return (
    <section aria-labelledby="notifications-title" className="max-w-3xl space-y-6">
      <h1 id="notifications-title" className="text-3xl">
        Notifications
      </h1>
      {unread > 0 ? (
        <div className="flex flex-wrap items-center gap-3">
          <p>{unread === 1 ? "1 unread on this page." : `${unread} unread on this page.`}</p>
          <Form method="post" action={`/notifications${search}`}>
            <input type="hidden" name="intent" value="read-all" />
            <Button type="submit" variant="secondary" disabled={busy}>
              Mark all as read
            </Button>
          </Form>
        </div>
      ) : null}
      {days.length === 0 ? (
        <p>
          {older
            ? "No older notifications."
            : "Nothing here yet. You'll hear here when someone replies to a thread you follow, mentions you, or an event you are going to changes."}
        </p>
      ) : null}
      {days.map((day, i) => (
        <section key={day.label} aria-labelledby={`day-${i}`} className="space-y-3">
          <h2 id={`day-${i}`} className="text-xl">
            {day.label}
          </h2>
          <ul className="space-y-3">
            {day.lines.map((line) => (
              <NoticeLine key={line.ids[0]} line={line} now={now} busy={busy} action={`/notifications${search}`} />
            ))}
          </ul>
        </section>
      ))}
      <nav aria-label="Older and newer notifications" className="flex flex-wrap gap-4">
        {older ? (
          <Link to="/notifications" className="inline-flex min-h-11 items-center">
            Newest notifications
          </Link>
        ) : null}
        {nextCursor ? (
          <Link to={`/notifications?after=${encodeURIComponent(nextCursor)}`} className="inline-flex min-h-11 items-center">
            Older notifications
          </Link>
        ) : null}
      </nav>
    </section>
  );
}

function NoticeLine({ line, now, busy, action }: { line: FeedLine; now: string; busy: boolean; action: string }) {
  // Unread lines carry a thicker brand border and the word "Unread": never colour alone.
  const frame = line.urgent
    ? "border-red-700 dark:border-red-400"
    : line.unread
      ? "border-brand-700 dark:border-brand-100"
      : "border-stone-300 dark:border-stone-600";
  return (
    <li className={`space-y-2 rounded-xl p-4 ${line.unread ? "border-4" : "border-2"} ${frame}`} data-testid="notification" data-unread={line.unread || undefined}>
      <p className="flex flex-wrap items-center gap-2 text-lg font-semibold">
        {line.urgent ? <Badge tone="warning">Urgent</Badge> : null}
        {line.unread ? <Badge tone="brand">Unread</Badge> : <span className="sr-only">Read: </span>}
        {line.link ? (
          <Link to={line.link} className="inline-flex min-h-11 items-center">
            {line.title}
          </Link>
        ) : (
          line.title
        )}
      </p>
      {line.body ? <p className="break-words">{line.body}</p> : null}
      <p className="text-sm">
        <RelativeTime iso={line.createdAt} now={now} />
      </p>
      {line.unread ? (
        <Form method="post" action={action}>
          <input type="hidden" name="intent" value="read" />
          {line.ids.map((id) => (
            <input key={id} type="hidden" name="id" value={id} />
          ))}
          <Button type="submit" variant="quiet" disabled={busy}>
            Mark as read<span className="sr-only">: {line.title}</span>
          </Button>
        </Form>
      ) : null}
    </li>
  );
}
