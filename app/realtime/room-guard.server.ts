import type { BroadcastOptions, Room } from "socket.io-adapter";
import type { AppContext } from "#app/lib/app-context.server";
import { errorFields, log } from "#app/lib/log.server";
import { roomAccess } from "#app/modules/groups/access.server";
import type { DeliveryGuard } from "./adapter.server";
import { channel } from "./events";
import type { HearthServer } from "./socket-types";

/**
 * Delivery never outruns a sanction (docs/decisions/0005-local-first-chat-delivery.md). Before a
 * broadcast to a chat room reaches this node's sockets, each socket's person must still pass
 * `chat.read`. The answers are cached per node (the first broadcast after joins asks the database
 * once for all newcomers), and dropped when the
 * person's access changes: the change is announced over Postgres (not Redis), and `sync` waits
 * until every announcement committed before the broadcast has been heard, so a ban made on any
 * node is known here before a message sent after it is delivered, whether or not Redis is up.
 */

/** How access changes travel between nodes (server.ts: Postgres LISTEN/NOTIFY; in-process on PGlite). */
export interface AccessChannel {
  sync(): Promise<void>;
  notify(payload: string): Promise<void>;
}

const ROOM = /^room:([^:]+)$/;
/** `notify` payload meaning "anyone's access may have changed" (e.g. a connection was lost). */
const EVERYONE = "*";

export function roomGuard(app: AppContext, getIo: () => HearthServer, onRemoved: (roomId: string) => void) {
  /** roomId → userId → may read. */
  const cache = new Map<string, Map<string, boolean>>();
  /** Bumped on every change, so an answer computed across a change is not kept. */
  let generation = 0;
  let changes = 0;
  const changedAt = new Map<string, number>();
  let channelOut: AccessChannel | null = null;

  const stamp = (userId: string) => `${generation}:${changedAt.get(userId) ?? 0}`;

  function forget(userId: string | null) {
    if (userId === null) {
      generation += 1;
      cache.clear();
      return;
    }
    changedAt.set(userId, ++changes);
    for (const people of cache.values()) people.delete(userId);
  }

  /** This node's sockets of the person leave every chat room they may no longer read. */
  async function recheck(userId: string) {
    const io = getIo();
    const rooms = new Set<string>();
    for (const s of await io.local.in(channel.user(userId)).fetchSockets()) {
      for (const r of s.rooms) if (ROOM.test(r)) rooms.add(r.slice("room:".length));
    }
    for (const roomId of rooms) {
      const [row] = await roomAccess(app, { roomId }, [userId]);
      if (row?.canRead) continue;
      io.local.in(channel.user(userId)).socketsLeave([channel.room(roomId), channel.roomUser(roomId, userId)]);
      onRemoved(roomId);
    }
  }

  /** An announcement arrived (from any node, this one included), or `null`: some may have been missed. */
  function heard(payload: string | null) {
    if (payload === null || payload === EVERYONE) return forget(null);
    forget(payload);
    recheck(payload).catch((e) => log.error("chat access recheck failed", errorFields(e)));
  }

  const guard: DeliveryGuard = {
    roomOf(opts: BroadcastOptions) {
      if (opts.rooms.size !== 1) return null;
      const [room] = opts.rooms;
      return room !== undefined && ROOM.test(room) ? room : null;
    },
    ready: () => channelOut?.sync() ?? Promise.resolve(),
    async exclude(room: Room, socketIds: string[], ready: Promise<void>) {
      const roomId = room.slice("room:".length);
      try {
        await ready;
      } catch (e) {
        // Can't know what was announced: decide from the database as it is now.
        log.error("chat access sync failed", errorFields(e));
        forget(null);
      }
      const sockets = getIo().of("/").sockets;
      const owner = new Map(socketIds.map((id) => [id, sockets.get(id)?.data.viewer?.id]));
      const known = cache.get(roomId);
      const answers = new Map<string, boolean>();
      for (const u of owner.values()) if (u && known?.has(u)) answers.set(u, known.get(u)!);
      const unknown = [...new Set([...owner.values()].filter((u): u is string => !!u && !answers.has(u)))];
      if (unknown.length) {
        const stamps = new Map(unknown.map((u) => [u, stamp(u)]));
        const readers = new Set((await roomAccess(app, { roomId }, unknown)).filter((r) => r.canRead).map((r) => r.userId));
        let people = cache.get(roomId);
        if (!people) cache.set(roomId, (people = new Map()));
        for (const u of unknown) {
          answers.set(u, readers.has(u));
          // An answer that straddles an announcement is fresh enough for this delivery, not to keep.
          if (stamps.get(u) === stamp(u)) people.set(u, readers.has(u));
        }
      }
      const excluded = socketIds.filter((id) => answers.get(owner.get(id) ?? "") !== true);
      if (excluded.length) {
        const io = getIo();
        // Not a reader any more: out of the room on this node too (presence, typing, later sends).
        for (const id of excluded) {
          const u = owner.get(id);
          io.local.in(id).socketsLeave(u ? [room, channel.roomUser(roomId, u)] : [room]);
        }
        onRemoved(roomId);
      }
      return excluded;
    },
  };

  return {
    guard,
    /** Connect the channel this node hears announcements on (server.ts, once the io exists). */
    use(ch: AccessChannel) {
      channelOut = ch;
    },
    /** Feed for the channel's messages. */
    heard,
    /** The person's sockets left a room on this node: nothing to remember for it. */
    drop(roomId: string, userId?: string) {
      if (userId === undefined) cache.delete(roomId);
      else cache.get(roomId)?.delete(userId);
    },
    /**
     * Someone's access narrowed: forget it here at once, and tell every node (resolves once the
     * announcement is committed, so anything sent after it is checked against the new state).
     */
    async revoke(userId: string) {
      forget(userId);
      await channelOut?.notify(userId);
    },
  };
}
export type RoomGuard = ReturnType<typeof roomGuard>;
