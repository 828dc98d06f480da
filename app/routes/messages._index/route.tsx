import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ButtonLink } from "#app/components/ui/button";
import { loaderWork, requireViewer } from "#app/lib/http.server";
import { roomHref } from "#app/lib/chat-links";
import { countOf } from "#app/lib/plural";
import { listConversations } from "#app/modules/chat/direct.server";

export const meta: MetaFunction = () => [{ title: "Messages — Hearth" }];

/** The member's direct conversations, latest activity first, 50 a page ("Older conversations"). */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const raw = new URL(request.url).searchParams.get("before");
  const before = raw && !Number.isNaN(Date.parse(raw)) ? new Date(raw) : undefined;
  return loaderWork(() => listConversations(context.app, viewer, { before }));
}

const whoText = (others: string[]) => (others.length === 0 ? "Everyone else has left" : others.join(", "));

export default function Messages() {
  const { conversations, older } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <h1 className="text-3xl">Messages</h1>
      <p>Private conversations with up to 7 other people. Only the people in a conversation can read it.</p>
      <p className="flex flex-wrap gap-3">
        <ButtonLink to="/messages/new">Start a conversation</ButtonLink>
        <Link to="/settings/messages" className="inline-flex min-h-11 items-center">
          Who may message you
        </Link>
      </p>
      {conversations.length === 0 ? (
        <p>No conversations yet.</p>
      ) : (
        <ul aria-label="Your conversations" className="divide-y divide-stone-300 rounded-lg border-2 border-stone-300 dark:divide-stone-600 dark:border-stone-600">
          {conversations.map((c) => (
            <li key={c.id} className="p-3">
              <Link to={roomHref({ roomId: c.id, groupSlug: null })} className="inline-flex min-h-11 items-center text-lg font-semibold">
                {whoText(c.others)}
              </Link>
              <p className="text-base text-stone-700 dark:text-stone-300">
                {c.lastMessageAt ? (
                  <>
                    Last message <time dateTime={c.lastMessageAt}>{c.lastMessageAt.slice(0, 16).replace("T", " ")} UTC</time>
                  </>
                ) : (
                  "No messages yet"
                )}
                {c.unread > 0 ? <strong className="ml-2">{countOf(c.unread, "unread message")}</strong> : null}
              </p>
            </li>
          ))}
        </ul>
      )}
      {older ? (
        <p>
          <Link to={`/messages?before=${encodeURIComponent(older)}`} className="inline-flex min-h-11 items-center">
            Older conversations
          </Link>
        </p>
      ) : null}
    </div>
  );
}
