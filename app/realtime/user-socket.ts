import type { io as createSocket, Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

/**
 * The tab's one Socket.IO connection (same origin, websocket only, so a load balancer needs no
 * sticky sessions), shared by whoever needs it: the header's notification count on every signed-in
 * page and a chat room's hook. Each holder calls `holdUserSocket` and later `releaseUserSocket`; the
 * connection closes when the last one lets go. Reconnects use Socket.IO's own backoff. Callers pass
 * `io` in, so this module never pulls socket.io-client into a page that doesn't load it (the header
 * imports it only after hydration).
 */
export type UserSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let shared: UserSocket | null = null;
let holders = 0;

export function holdUserSocket(io: typeof createSocket): UserSocket {
  holders += 1;
  shared ??= io({ transports: ["websocket"], reconnectionDelayMax: 5000 });
  return shared;
}

export function releaseUserSocket(): void {
  holders = Math.max(0, holders - 1);
  if (holders > 0 || !shared) return;
  shared.disconnect();
  shared = null;
}

/**
 * Listeners one holder adds to the shared socket, removed together when it lets go (never
 * removeAllListeners: the other holders' listeners stay).
 */
export function socketListeners(socket: UserSocket) {
  const added: [string, (...args: never[]) => void][] = [];
  const on = ((event: string, fn: (...args: never[]) => void) => {
    socket.on(event as never, fn as never);
    added.push([event, fn]);
    return socket;
  }) as unknown as UserSocket["on"];
  const off = () => {
    for (const [event, fn] of added) socket.off(event as never, fn as never);
    added.length = 0;
  };
  return { on, off };
}
