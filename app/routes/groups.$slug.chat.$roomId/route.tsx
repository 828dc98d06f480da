import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChatRoom } from "#app/components/chat/chat-room";
import { ChatSearchForm } from "#app/components/chat/chat-search-form";
import { permalinkSeq } from "#app/lib/chat-links";
import { NotFound } from "#app/lib/errors";
import { loaderWork, requireParams, requireViewer } from "#app/lib/http.server";
import { RoomIdSchema } from "#app/modules/chat/chat.schema";
import { openRoom } from "#app/modules/chat/chat.server";
import { ownPending } from "#app/modules/safety/held.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.room.name} · ${data.group.name} chat — Hearth` : "Room not found — Hearth" },
];

/**
 * The room page: the latest messages are rendered on the server (or, for a permalink's `?at=`, the
 * page around that message); the socket takes over from their last seq.
 */
export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug, roomId } = requireParams(params, z.object({ slug: GroupSlugSchema, roomId: RoomIdSchema }));
  return loaderWork(async () => {
    const at = permalinkSeq(new URL(request.url).searchParams);
    const opened = await openRoom(context.app, viewer, { roomId, at: at ?? undefined });
    // A direct conversation has no group: it lives at /messages/:roomId, never under a group.
    const group = opened.group;
    if (!group || group.slug !== slug) throw NotFound("That room");
    // The viewer's own messages here that wait for a moderator (after openRoom asked the policy): kept across a reload.
    const held = (await ownPending(context.app.db, viewer.id, { roomId })).map((h) => ({ clientId: h.clientId, body: h.body }));
    return { ...opened, group, held, hasNewer: opened.hasMore, focusSeq: at, self: { id: viewer.id, displayName: viewer.displayName } };
  });
}

export default function ChatRoomPage() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <p>
        <Link to={`/groups/${data.group.slug}/chat`} className="inline-flex min-h-11 items-center">
          ← All rooms in {data.group.name}
        </Link>
      </p>
      <h1 className="text-3xl">{data.room.name}</h1>
      <p className="text-base">Live chat. Be kind; nothing here is medical advice.</p>
      <ChatSearchForm slug={data.group.slug} room={{ id: data.room.id, name: data.room.name }} compact />
      <ChatRoom key={`${data.room.id}:${data.focusSeq ?? ""}`} roomId={data.room.id} initial={data} self={data.self} slug={data.group.slug} focusSeq={data.focusSeq} />
    </div>
  );
}
