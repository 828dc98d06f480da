import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ChatRoom } from "#app/components/chat/chat-room";
import { Button } from "#app/components/ui/button";
import { permalinkSeq } from "#app/lib/chat-links";
import { Invalid } from "#app/lib/errors";
import { actionFailure, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { RoomIdSchema } from "#app/modules/chat/chat.schema";
import { leaveConversation, openConversation } from "#app/modules/chat/direct.server";

const ParamsSchema = z.object({ roomId: RoomIdSchema });

const titleOf = (people: { displayName: string }[]) => (people.length ? `With ${people.map((p) => p.displayName).join(", ")}` : "Everyone else has left");

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${titleOf(data.people)} — Messages — Hearth` : "Conversation not found — Hearth" }];

/** A direct conversation: the group room's page and machinery, without a group (404 for anyone not in it). */
export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { roomId } = requireParams(params, ParamsSchema);
  return loaderWork(async () => {
    // A permalink's `?at=` renders the page around that message, as in a group room.
    const at = permalinkSeq(new URL(request.url).searchParams);
    const opened = await openConversation(context.app, viewer, roomId, at ?? undefined);
    return { ...opened, hasNewer: opened.hasMore, focusSeq: at, self: { id: viewer.id, displayName: viewer.displayName } };
  });
}

export async function action({ params, context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { roomId } = requireParams(params, ParamsSchema);
  const form = await readForm(request);
  try {
    if (form.get("intent") !== "leave") throw Invalid("Unknown action.");
    await leaveConversation(context.app, viewer, roomId);
    return redirect("/messages");
  } catch (e) {
    return actionFailure(e);
  }
}

export default function ConversationPage() {
  const data = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const confirming = search.get("leave") === "1";
  return (
    <div className="space-y-4">
      <p>
        <Link to="/messages" className="inline-flex min-h-11 items-center">
          ← All conversations
        </Link>
      </p>
      <h1 className="text-3xl">{titleOf(data.people)}</h1>
      <p className="text-base">A private conversation: only the people in it can read it. Nothing here is medical advice.</p>
      {confirming ? (
        <section aria-labelledby="leave-title" className="space-y-3 rounded-lg border-2 border-stone-400 p-4">
          <h2 id="leave-title" className="text-xl font-semibold">
            Leave this conversation?
          </h2>
          <p>You won't see new messages, and you can't come back unless someone starts a new conversation with you. The others are told you left.</p>
          <Form method="post" className="flex flex-wrap gap-3">
            <Button type="submit" name="intent" value="leave">
              Leave conversation
            </Button>
            <Link to="." className="inline-flex min-h-11 items-center">
              Stay
            </Link>
          </Form>
        </section>
      ) : (
        <p>
          <Link to="?leave=1" className="inline-flex min-h-11 items-center">
            Leave conversation…
          </Link>
        </p>
      )}
      <ChatRoom key={`${data.room.id}:${data.focusSeq ?? ""}`} roomId={data.room.id} initial={data} self={data.self} slug={null} focusSeq={data.focusSeq} />
    </div>
  );
}
