import { secondsText } from "#app/lib/plural";
import { retentionText } from "#app/modules/chat/retention.schema";
import type { ChatRoomState } from "#app/realtime/events";
import type { Connection } from "#app/realtime/use-room";

export function ConnectionStatus({ connection }: { connection: Connection }) {
  const text: Record<Connection, string> = {
    connecting: "Connecting to the room…",
    online: "",
    reconnecting: "Reconnecting… The connection dropped. We will catch up on anything you missed as soon as it is back.",
    "signed-out": "You were signed out, so the chat stopped. Sign in again to keep chatting.",
  };
  return (
    <div role="status" className={connection === "online" ? "" : "rounded-lg border-2 border-amber-700 bg-amber-50 p-3 font-semibold text-amber-950 dark:bg-amber-950 dark:text-amber-50"}>
      {connection === "reconnecting" ? <span aria-hidden="true" className="mr-2 inline-block motion-safe:animate-pulse">●</span> : null}
      {text[connection]}
      {connection === "signed-out" ? (
        <>
          {" "}
          <a href="/signin" className="inline-flex min-h-11 items-center underline">
            Sign in
          </a>
        </>
      ) : null}
    </div>
  );
}

/** Lock, slow mode, the pinned message and the last notices, above the history. */
export function RoomBanners({ room, notices }: { room: ChatRoomState; notices: { id: number; message: string }[] }) {
  return (
    <>
      {room.locked ? <p className="rounded-lg bg-stone-200 p-3 font-semibold dark:bg-stone-700">This room is locked: it is read-only for now.</p> : null}
      <p className="text-base" data-testid="room-retention">
        {retentionText(room.retentionDays ?? null)}
      </p>
      {room.slowModeSeconds > 0 ? <p className="font-semibold">Slow mode: one message every {secondsText(room.slowModeSeconds)} per person.</p> : null}
      {room.pinned ? (
        <section aria-labelledby="pinned-title" className="rounded-lg border-2 border-brand-700 p-3 dark:border-brand-100">
          <h2 id="pinned-title" className="text-base font-semibold">
            Pinned message from {room.pinned.author.displayName}
          </h2>
          <p className="whitespace-pre-wrap break-words">{room.pinned.body}</p>
        </section>
      ) : null}
      {notices.length ? (
        <ul aria-label="Room notices" className="space-y-1 text-base">
          {notices.map((n) => (
            <li key={n.id} className="rounded-lg bg-stone-100 px-3 py-2 dark:bg-stone-800">
              {n.message}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
