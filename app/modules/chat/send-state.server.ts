import type { AppContext } from "#app/lib/app-context.server";

/**
 * The send path's per-node memory (docs/decisions/0025-chat-send-state-checked-in-the-insert.md):
 * for each room and sender, what the last send read of the room's settings, the sender's standing
 * and the gate's context (watched words, new-member holds), and the fingerprint (`stamp`) the
 * database computed over it. The policy is asked of this copy; the one statement that stores the
 * message recomputes the fingerprint from the rows as they are and inserts only if it matches, so a
 * ban, mute, lock, slow mode or watched word changed on any node (by any code path) is seen by the
 * very next send here, and the copy is refreshed from that statement's answer. Nothing needs to be
 * told about changes, so no change can be missed.
 */
export interface SendState<Room, Screen> {
  stamp: string;
  room: Room;
  screen: Screen;
}

/** Enough for every active room × sender on a node; the oldest entry goes first past it. */
const MAX_ENTRIES = 10_000;

/** One cache per node: keyed by the node's realtime publisher, which every AppContext copy of a node shares. */
const caches = new WeakMap<object, Map<string, SendState<unknown, unknown>>>();

export function sendStates<Room, Screen>(app: AppContext) {
  let cache = caches.get(app.realtime);
  if (!cache) caches.set(app.realtime, (cache = new Map()));
  const entries = cache as Map<string, SendState<Room, Screen>>;
  const key = (roomId: string, userId: string) => `${roomId} ${userId}`;
  return {
    get: (roomId: string, userId: string) => entries.get(key(roomId, userId)),
    set(roomId: string, userId: string, state: SendState<Room, Screen>) {
      const k = key(roomId, userId);
      entries.delete(k); // re-inserted last: the Map's order is the eviction order
      entries.set(k, state);
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    },
  };
}
