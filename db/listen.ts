import postgres from "postgres";
import type { DatabaseHandle } from "./client";

/**
 * One Postgres LISTEN/NOTIFY channel shared by every node on the database, independent of Redis.
 * On PGlite (one process, so one node) it is an in-process channel with the same contract.
 */
export interface NotificationChannel {
  /**
   * Resolves once every notification committed before the call has been passed to `onMessage`:
   * Postgres hands a listening session its pending notifications before it answers the next query
   * (ReadyForQuery), so a round trip on the listening connection is the barrier.
   */
  sync(): Promise<void>;
  /** Sends `payload` to every node (this one included); resolves once it is committed. */
  notify(payload: string): Promise<void>;
  close(): Promise<void>;
}

/** `onMessage(null)`: the listening connection was (re)opened, so notifications may have been missed. */
export function openNotificationChannel(handle: DatabaseHandle, channel: string, onMessage: (payload: string | null) => void): NotificationChannel {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  if (handle.kind !== "postgres" || !handle.url) {
    return {
      sync: () => Promise.resolve(),
      notify: (payload) => Promise.resolve(onMessage(payload)),
      close: () => Promise.resolve(),
    };
  }
  let closed = false;
  let listening: Promise<void> | null = null;
  // `onnotify` is a documented postgres-js option its type declarations leave out.
  const withNotify = { onnotify: (name: string, payload: string) => void (name === channel && onMessage(payload)) };
  const sql = postgres(handle.url, {
    ...(withNotify as object),
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    onnotice: () => {},
    onclose: () => {
      if (closed) return;
      listening = null; // LISTEN ends with its connection; the next sync listens again
      onMessage(null);
    },
  });
  const listen = () =>
    (listening ??= sql.unsafe(`listen ${channel}`).then(
      () => onMessage(null), // anything decided before this point may have missed a notification
      (e: unknown) => {
        listening = null;
        throw e;
      },
    ));
  void listen().catch(() => {}); // start at once; a failure is retried by the next sync
  // Callers share barriers: a round trip already on its way was sent before a later call, so that
  // caller waits for the next one, which every caller arriving meanwhile shares (at most one in
  // flight and one waiting, however many broadcasts ask).
  let inFlight: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const barrier = (): Promise<void> => {
    if (!inFlight) {
      const trip = (async () => {
        await listen();
        await sql`select 1`;
      })();
      inFlight = trip.finally(() => void (inFlight = null));
      return inFlight;
    }
    queued ??= inFlight.catch(() => {}).then(() => {
      queued = null;
      return barrier();
    });
    return queued;
  };
  return {
    sync: barrier,
    async notify(payload) {
      await sql`select pg_notify(${channel}, ${payload})`;
    },
    async close() {
      closed = true;
      await sql.end({ timeout: 2 });
    },
  };
}
