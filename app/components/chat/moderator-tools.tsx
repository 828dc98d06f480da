import { useState } from "react";
import { Button } from "#app/components/ui/button";
import { secondsText } from "#app/lib/plural";
import { slowModeChoices } from "#app/modules/chat/chat.schema";
import type { useRoom } from "#app/realtime/use-room";

/** Lock and slow mode for the room's moderators; message-level tools live in each message's Options. */
export function ModeratorTools({
  room,
  request,
}: {
  room: { id: string; locked: boolean; slowModeSeconds: number };
  request: ReturnType<typeof useRoom>["request"];
}) {
  const [status, setStatus] = useState<{ ok: boolean; message: string } | null>(null);
  const [slow, setSlow] = useState(room.slowModeSeconds);
  async function run(work: Promise<{ ok: boolean; error?: { message: string } }>, done: string) {
    const res = await work;
    setStatus(res.ok ? { ok: true, message: done } : { ok: false, message: res.error?.message ?? "That did not work." });
  }
  return (
    <section aria-labelledby="mod-tools-title" className="space-y-3 rounded-lg border-2 border-stone-300 p-4 dark:border-stone-600">
      <h2 id="mod-tools-title" className="text-xl">
        Moderator tools
      </h2>
      <Button
        variant="secondary"
        onClick={() => run(request("room:lock", { roomId: room.id, locked: !room.locked }), room.locked ? "Room unlocked." : "Room locked.")}
      >
        {room.locked ? "Unlock room" : "Lock room (read-only)"}
      </Button>
      <div className="flex flex-col gap-1">
        <label htmlFor="slow-mode" className="font-semibold">
          Slow mode
        </label>
        <select
          id="slow-mode"
          value={slow}
          onChange={(e) => setSlow(Number(e.target.value))}
          className="min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 text-lg dark:bg-stone-800"
        >
          {slowModeChoices.map((s) => (
            <option key={s} value={s}>
              {s === 0 ? "Off" : `One message every ${secondsText(s)}`}
            </option>
          ))}
        </select>
        <Button variant="secondary" onClick={() => run(request("room:slow-mode", { roomId: room.id, seconds: slow }), "Slow mode updated.")}>
          Set slow mode
        </Button>
      </div>
      <p role="status" className={status && !status.ok ? "text-red-800 dark:text-red-300" : ""}>
        {status?.message}
      </p>
    </section>
  );
}
