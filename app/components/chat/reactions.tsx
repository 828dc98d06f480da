import { useRef, useState } from "react";
import { reactionIcons } from "#app/components/forum/reaction-buttons";
import { CHAT_REACTIONS, chatReactionLabels, type ChatReactionKind } from "#app/lib/chat-wire";
import type { ChatMessage } from "#app/realtime/events";
import { reactionWho, shownReaction } from "./reaction-text";
import { useChatRoom } from "./room-context";

/**
 * Hug / Same here / Helpful under a message: one toggle button each (aria-pressed, ≥44 px, the same
 * chips as the forum's), read as "Hug, you and 2 others". The reader's change shows at once and
 * goes back if the server refuses it; counts follow the room's `reaction` events.
 * Someone who can't react (muted, locked room) sees the counts given, as plain text.
 */
export function Reactions({ message }: { message: ChatMessage }) {
  const { canReact } = useChatRoom();
  const [error, setError] = useState<string | null>(null);
  const given = (kind: ChatReactionKind) => message.reactions.find((r) => r.kind === kind) ?? { kind, count: 0, mine: false };
  if (!canReact) {
    const some = message.reactions.filter((r) => r.count > 0);
    if (!some.length) return null;
    return (
      <ul aria-label="Reactions" className="mt-2 flex flex-wrap gap-2" data-testid="chat-reactions">
        {some.map((r) => (
          <li key={r.kind} className="reaction-chip reaction-chip-static">
            <span aria-hidden="true">{reactionIcons[r.kind]}</span> {chatReactionLabels[r.kind]}
            <span aria-hidden="true">{r.count}</span>
            <span className="sr-only">, {reactionWho(r.count, r.mine)}</span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <div className="mt-2">
      <ul aria-label={`Reactions to the message from ${message.author.displayName}`} className="flex flex-wrap gap-2" data-testid="chat-reactions">
        {CHAT_REACTIONS.map((kind) => (
          <li key={kind}>
            <ReactionToggle messageId={message.id} server={given(kind)} onError={setError} />
          </li>
        ))}
      </ul>
      {/* Rendered only when a change was refused: scoped to this message, never an empty live region. */}
      {error ? (
        <p role="alert" className="mt-1 text-base text-red-800 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ReactionToggle({ messageId, server, onError }: { messageId: string; server: { kind: ChatReactionKind; count: number; mine: boolean }; onError: (e: string | null) => void }) {
  const { react } = useChatRoom();
  // What the reader last asked for while a request is on its way (null: nothing pending).
  const [wanted, setWanted] = useState<boolean | null>(null);
  const wantedRef = useRef<boolean | null>(null);
  const busy = useRef(false);
  const shown = shownReaction(server, wanted);

  // One request at a time per button; quick taps end in the last state asked for.
  async function sendWanted() {
    busy.current = true;
    for (;;) {
      const want = wantedRef.current;
      if (want === null) break;
      const res = await react(messageId, server.kind, want);
      if (!res.ok) {
        wantedRef.current = null;
        setWanted(null);
        onError(`${chatReactionLabels[server.kind]}: ${res.error.message}`);
        break;
      }
      if (wantedRef.current === want) {
        wantedRef.current = null;
        setWanted(null);
        break;
      }
    }
    busy.current = false;
  }

  function toggle() {
    onError(null);
    const next = !shown.mine;
    wantedRef.current = next;
    setWanted(next);
    if (!busy.current) void sendWanted();
  }

  return (
    <button
      type="button"
      aria-pressed={shown.mine}
      onClick={toggle}
      className="reaction-chip"
      data-reaction={server.kind}
    >
      <span aria-hidden="true">{reactionIcons[server.kind]}</span> {chatReactionLabels[server.kind]}
      {shown.count > 0 ? <span aria-hidden="true">{shown.count}</span> : null}
      <span className="sr-only">, {reactionWho(shown.count, shown.mine)}</span>
    </button>
  );
}
