import type { Namespace } from "socket.io";
import { Adapter, ClusterAdapter, MessageType, type BroadcastOptions, type ClusterMessage, type Room } from "socket.io-adapter";

/**
 * The Socket.IO adapter every node uses, wrapped so that (1) nothing local waits for Redis and (2)
 * every broadcast to a guarded room is filtered, on the node that delivers it, by a check that can
 * be stricter than room membership (docs/decisions/0005-local-first-chat-delivery.md).
 *
 * (1) The cluster adapter awaits its XADD to Redis before it delivers to this node's own sockets,
 * so while Redis is unreachable nobody hears anybody, and fetchSockets waits for Redis and then for
 * every other node. Here local delivery, joins and leaves happen first; the publish to the other
 * nodes follows (node-redis queues it while Redis is away, and the stream reader resumes from its
 * offset), and a cluster-wide fetchSockets is bounded by a timeout.
 *
 * (2) Membership of a Socket.IO room is only as fresh as the last SOCKETS_LEAVE that reached this
 * node, which may be stuck behind a Redis outage. Broadcasts to guarded rooms, from this node or
 * from another one, go through `guard.exclude` first, in order per room.
 */

type Packet = { type: number; nsp: string; data?: unknown[]; id?: number };
type AdapterFactory = (nsp: Namespace) => Adapter;

export interface DeliveryGuard {
  /** The one guarded room this broadcast targets, or null to deliver it as usual. */
  roomOf(opts: BroadcastOptions): Room | null;
  /**
   * Started when the broadcast is made: resolves once every access change committed before then has
   * been heard here. Started then, not when the room's queue reaches the broadcast, so a queue of
   * broadcasts waits for one barrier, not one round trip after another.
   */
  ready(): Promise<void>;
  /** Of these local sockets in `room`, those that must not get the broadcast (rejecting excludes all). */
  exclude(room: Room, socketIds: string[], ready: Promise<void>): Promise<Iterable<string>>;
}

/** How long a cluster-wide fetchSockets may wait for Redis and the other nodes. */
export const FETCH_TIMEOUT_MS = 2000;

const local = Adapter.prototype;
const cluster = ClusterAdapter.prototype as unknown as {
  fetchSockets(this: Adapter, opts: BroadcastOptions): Promise<unknown[]>;
  onMessage(this: Adapter, message: ClusterMessage, offset?: string): void;
};
/** ClusterAdapter's publish (protected in its types): fire-and-forget, errors only logged by its debug. */
type Publishing = { publish(message: Omit<ClusterMessage, "uid" | "nsp"> & Partial<ClusterMessage>): void };

const encodeOptions = (opts: BroadcastOptions) => ({ rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags ?? {} });
const decodeOptions = (opts: { rooms: Room[]; except: Room[]; flags?: BroadcastOptions["flags"] }): BroadcastOptions => ({
  rooms: new Set(opts.rooms),
  except: new Set(opts.except),
  flags: opts.flags,
});

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  work.catch(() => {}); // a late rejection after the timeout is nobody's business
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
    work.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

function wrap(adapter: Adapter, guard: DeliveryGuard): Adapter {
  const isCluster = adapter instanceof ClusterAdapter;
  const publish = (message: Parameters<Publishing["publish"]>[0]) => (adapter as unknown as Publishing).publish(message);
  const queues = new Map<Room, Promise<void>>();

  /** Delivers to this node's sockets; guarded rooms wait for the guard, one broadcast at a time per room. */
  function deliverLocally(packet: Packet, opts: BroadcastOptions) {
    const room = guard.roomOf(opts);
    if (room === null) return local.broadcast.call(adapter, packet, opts);
    const ready = guard.ready();
    ready.catch(() => {}); // exclude sees the failure
    const next = (queues.get(room) ?? Promise.resolve()).then(async () => {
      const ids = [...(adapter.rooms.get(room) ?? [])];
      if (ids.length === 0) return;
      let excluded: Iterable<string>;
      try {
        excluded = await guard.exclude(room, ids, ready);
      } catch {
        excluded = ids; // fail closed: a client that missed it catches up by seq when it re-joins
      }
      const except = new Set(opts.except);
      for (const id of excluded) except.add(id);
      local.broadcast.call(adapter, packet, { ...opts, except });
    });
    const settled = next.catch(() => {});
    queues.set(room, settled);
    void settled.then(() => {
      if (queues.get(room) === settled) queues.delete(room);
    });
  }

  adapter.broadcast = (packet: Packet, opts: BroadcastOptions) => {
    if (isCluster && !opts.flags?.local) publish({ type: MessageType.BROADCAST, data: { packet, opts: encodeOptions(opts) } });
    deliverLocally(packet, opts);
  };
  adapter.addSockets = (opts: BroadcastOptions, rooms: Room[]) => {
    local.addSockets.call(adapter, opts, rooms);
    if (isCluster && !opts.flags?.local) publish({ type: MessageType.SOCKETS_JOIN, data: { opts: encodeOptions(opts), rooms } });
  };
  adapter.delSockets = (opts: BroadcastOptions, rooms: Room[]) => {
    local.delSockets.call(adapter, opts, rooms);
    if (isCluster && !opts.flags?.local) publish({ type: MessageType.SOCKETS_LEAVE, data: { opts: encodeOptions(opts), rooms } });
  };
  adapter.disconnectSockets = (opts: BroadcastOptions, close: boolean) => {
    local.disconnectSockets.call(adapter, opts, close);
    if (isCluster && !opts.flags?.local) publish({ type: MessageType.DISCONNECT_SOCKETS, data: { opts: encodeOptions(opts), close } });
  };
  adapter.fetchSockets = (opts: BroadcastOptions) => {
    if (!isCluster || opts.flags?.local) return local.fetchSockets.call(adapter, opts);
    return withTimeout(cluster.fetchSockets.call(adapter, opts), opts.flags?.timeout ?? FETCH_TIMEOUT_MS);
  };
  if (isCluster) {
    const onMessage = cluster.onMessage;
    const self = adapter as unknown as { uid: string; onMessage: typeof onMessage };
    // Another node's broadcast: for guarded rooms, through the same per-room queue and guard.
    self.onMessage = (message: ClusterMessage, offset?: string) => {
      const data = (message as { data?: { packet?: Packet; opts?: Parameters<typeof decodeOptions>[0]; requestId?: string } }).data;
      if (
        message.type === MessageType.BROADCAST &&
        message.uid !== self.uid &&
        message.nsp === adapter.nsp.name &&
        data?.packet &&
        data.opts &&
        data.requestId === undefined
      ) {
        const opts = decodeOptions(data.opts);
        if (guard.roomOf(opts) !== null) return deliverLocally(data.packet, opts);
      }
      onMessage.call(adapter, message, offset);
    };
  }
  return adapter;
}

/**
 * The adapter option for `new Server()`: `base` (the Redis Streams adapter's factory) or the
 * in-memory adapter, wrapped. A plain function, because Socket.IO calls it with `new`.
 */
export function guardedAdapter(base: AdapterFactory | undefined, guard: DeliveryGuard) {
  return function createGuardedAdapter(nsp: Namespace) {
    return wrap(base ? base(nsp) : new Adapter(nsp), guard);
  };
}
