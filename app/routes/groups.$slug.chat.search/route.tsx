import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChatSearchForm } from "#app/components/chat/chat-search-form";
import { RelativeTime } from "#app/components/forum/relative-time";
import { Highlighted } from "#app/components/highlighted";
import { StaffBadge } from "#app/components/ui/staff-badge";
import { chatSearchHref, roomHref } from "#app/lib/chat-links";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { ChatSearchSchema } from "#app/modules/chat/search.schema";
import { searchGroupChat } from "#app/modules/chat/search.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.q ? `Search: ${data.q}` : "Search"} · ${data.room?.name ?? data.group.name} chat — Hearth` : "Group not found — Hearth" },
];

const GroupParams = z.object({ slug: GroupSlugSchema });

/** A group's chat search (`?room=` narrows it to one room); a private group answers 404 to outsiders. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, GroupParams);
  const raw = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = ChatSearchSchema.safeParse(raw);
  // A query that does not parse (too long) is not run; the room choice is kept.
  const input = parsed.success ? parsed.data : ChatSearchSchema.parse({ ...raw, q: "" });
  return loaderWork(async () => {
    const found = await searchGroupChat(context.app, context.viewer, slug, input);
    return {
      now: new Date().toISOString(),
      signedIn: context.viewer !== null,
      error: parsed.success ? null : (parsed.error.issues[0]?.message ?? "Check your search."),
      group: { slug: found.group.slug, name: found.group.name },
      rooms: found.rooms,
      room: found.room,
      q: found.q,
      notice: found.notice,
      results: found.results,
      nextCursor: found.nextCursor,
      firstPage: !input.after,
    };
  });
}

export default function ChatSearch() {
  const { group, rooms, room, q, error, notice, results, nextCursor, firstPage, now, signedIn } = useLoaderData<typeof loader>();
  const where = room ? room.name : `all rooms of ${group.name}`;
  return (
    <div className="space-y-6">
      <p className="flex flex-wrap gap-x-4">
        {room ? (
          <Link to={roomHref({ roomId: room.id, groupSlug: group.slug })} className="inline-flex min-h-11 items-center">
            ← Back to {room.name}
          </Link>
        ) : null}
        <Link to={`/groups/${group.slug}/chat`} className="inline-flex min-h-11 items-center">
          ← All rooms in {group.name}
        </Link>
      </p>
      <h1 className="text-3xl">Search the chat of {group.name}</h1>
      {rooms.length === 0 ? (
        signedIn ? (
          <p>Chat is for the group&apos;s members. Join the group from its page to read and search its rooms.</p>
        ) : (
          <p>
            <a href={`/signin?redirectTo=${encodeURIComponent(chatSearchHref(group.slug))}`} className="inline-flex min-h-11 items-center">
              Sign in
            </a>{" "}
            and join the group to read and search its chat.
          </p>
        )
      ) : (
        <ChatSearchForm key={`${q}:${room?.id ?? ""}`} slug={group.slug} q={q} room={room} rooms={rooms} />
      )}
      {error ? <p className="font-semibold text-red-800 dark:text-red-300">{error}</p> : null}
      {q && rooms.length > 0 ? (
        <section aria-labelledby="chat-results-heading" className="space-y-4">
          <h2 id="chat-results-heading" className="text-2xl" aria-live="polite">
            {results.length === 0 ? `No messages found for “${q}” in ${where}` : `Messages with “${q}” in ${where}, newest first${firstPage ? "" : " (more)"}`}
          </h2>
          {notice ? <p className="font-semibold">{notice}</p> : null}
          {results.length > 0 ? (
            <ol className="space-y-4">
              {results.map((r) => (
                <li key={r.id} className="space-y-1 rounded-xl border-2 border-stone-200 bg-white p-4 dark:border-stone-700 dark:bg-stone-950">
                  <p className="text-base">
                    <strong>{r.authorName}</strong> <StaffBadge role={r.authorStaff} /> in {r.roomName} · <RelativeTime iso={r.createdAt} now={now} />
                  </p>
                  <p className="break-words">
                    <Highlighted parts={r.snippet} />
                  </p>
                  <Link to={r.href} className="inline-flex min-h-11 items-center">
                    Open in {r.roomName}
                    <span className="sr-only">: the message by {r.authorName}</span>
                  </Link>
                </li>
              ))}
            </ol>
          ) : null}
          <nav aria-label="More results" className="flex flex-wrap gap-4">
            {!firstPage ? (
              <Link to={chatSearchHref(group.slug, { q, room: room?.id })} className="inline-flex min-h-11 items-center">
                ← Newest results
              </Link>
            ) : null}
            {nextCursor ? (
              <Link to={chatSearchHref(group.slug, { q, room: room?.id, after: nextCursor })} className="inline-flex min-h-11 items-center">
                More results →
              </Link>
            ) : null}
          </nav>
        </section>
      ) : null}
    </div>
  );
}
