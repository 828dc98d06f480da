import type { HearthServer, SocketData } from "./socket-types";
import { channel } from "./events";

/**
 * Presence without waiting for Redis or the other nodes (issue: a join waited 5–12 s for Redis, or
 * failed when any node was slow to answer fetchSockets). This node's sockets are always exact; the
 * other nodes' are the view from the last cluster-wide fetch (bounded by the adapter's timeout),
 * refreshed by the presence broadcaster, never on the join path.
 */
export interface PresenceSocket {
  id: string;
  data: Partial<SocketData>;
  leave(room: string): unknown;
}

const views = new WeakMap<HearthServer, Map<string, PresenceSocket[]>>();

/** The sockets in a chat room: local ones now, other nodes' as last seen; `fresh` asks the cluster first. */
export async function roomSockets(io: HearthServer, roomId: string, { fresh = false } = {}): Promise<PresenceSocket[]> {
  let remote = views.get(io);
  if (!remote) views.set(io, (remote = new Map()));
  const room = channel.room(roomId);
  if (fresh) {
    try {
      const all = await io.in(room).fetchSockets();
      const here = io.of("/").sockets;
      remote.set(roomId, all.filter((s) => !here.has(s.id)));
    } catch {
      // Redis or a node is slow or away: keep the last view; the next change asks again.
    }
  }
  const local = await io.local.in(room).fetchSockets();
  return [...local, ...(remote.get(roomId) ?? [])];
}

/** This node has no socket left in the room: its view of the others is not needed any more. */
export function forgetRoomView(io: HearthServer, roomId: string) {
  views.get(io)?.delete(roomId);
}
