import { useCallback, useEffect, useRef, useState } from "react";
import { z } from "zod";
import { ClientIdSchema, MAX_MESSAGE_CHARS } from "#app/modules/chat/chat.schema";
import type { Pending } from "#app/realtime/room-state";

/**
 * The composer's draft, kept in this browser per room and per signed-in person (a shared computer's
 * next person has another key), with no time limit. Two parts:
 * - `text`: what is in the box, saved as the person types, restored on reload;
 * - `unsent`: messages sent but not yet acked by the server (the room's pending sends). A sent message
 *   leaves the draft only when the server acks it, or when the person discards it. After a reload,
 *   those go out again with their own clientId: the server's idempotent send stores each once,
 *   whether or not the first try reached it.
 */

const StoredDraft = z.object({
  text: z.string().max(MAX_MESSAGE_CHARS * 4),
  unsent: z
    .array(z.object({ clientId: ClientIdSchema, body: z.string().min(1).max(MAX_MESSAGE_CHARS), replyToId: z.string().min(1).max(64).optional() }))
    .max(50),
});
export type StoredDraft = z.infer<typeof StoredDraft>;

export const draftKey = (userId: string, roomId: string) => `hearth:chat-draft:${userId}:${roomId}`;

/** The stored draft, or an empty one (none, unreadable, or storage refused: private browsing). */
export function readDraft(storage: Pick<Storage, "getItem"> | null, key: string): StoredDraft {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return { text: "", unsent: [] };
    const parsed = StoredDraft.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : { text: "", unsent: [] };
  } catch {
    return { text: "", unsent: [] };
  }
}

/** Saves the draft; an empty one is removed, so nothing lingers after the last ack. */
export function writeDraft(storage: Pick<Storage, "setItem" | "removeItem"> | null, key: string, draft: StoredDraft): void {
  try {
    if (!draft.text && !draft.unsent.length) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(draft));
  } catch {
    // Full or refused storage: the draft lives in the page only.
  }
}

/** Pending sends as the draft keeps them (what a retry needs). */
export const unsentOf = (pending: Pending[]): StoredDraft["unsent"] =>
  pending.map((p) => ({ clientId: p.clientId, body: p.body, ...(p.replyToId ? { replyToId: p.replyToId } : {}) }));

function browserStorage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

/**
 * The draft for one room: `draft`/`setDraft` for the box. Restores after hydration (the server
 * renders an empty box) and sends the restored unacked messages again through `resend` (the
 * room's retry, which keeps their clientId).
 */
export function useChatDraft({ roomId, userId, pending, resend }: { roomId: string; userId: string; pending: Pending[]; resend: (p: Pending) => void }) {
  const key = draftKey(userId, roomId);
  const [draft, setDraft] = useState("");
  const [restored, setRestored] = useState<string | null>(null);
  const resendRef = useRef(resend);
  resendRef.current = resend;

  useEffect(() => {
    const stored = readDraft(browserStorage(), key);
    setDraft((typed) => typed || stored.text);
    for (const u of stored.unsent) resendRef.current({ ...u, status: "waiting", error: null });
    setRestored(key);
  }, [key]);

  const unsent = unsentOf(pending);
  const serialized = JSON.stringify(unsent);
  useEffect(() => {
    // Not before this key's draft was read: the first render's empty box must not erase it.
    if (restored !== key) return;
    writeDraft(browserStorage(), key, { text: draft, unsent: JSON.parse(serialized) as StoredDraft["unsent"] });
  }, [restored, key, draft, serialized]);

  const clear = useCallback(() => setDraft(""), []);
  return { draft, setDraft, clear };
}
