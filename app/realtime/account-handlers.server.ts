import { Invalid } from "#app/lib/errors";
import type { HearthServer, HearthSocket } from "./socket-types";
import { answer } from "./ack.server";
import type { ResultOf } from "./events";

/** A socket with untyped `on`: the listener finds its own ack, wherever the client put it. */
type LooseSocket = { on(event: string, listener: (...args: unknown[]) => void): void };

/** `whoami`: proves the handshake's session wiring; the chat issue adds the room handlers beside it. */
export function registerAccountHandlers(_io: HearthServer, socket: HearthSocket) {
  // The ack is the last argument whatever precedes it: `whoami` with a payload must still be
  // answered (with an error), not left waiting because the payload sat where the ack was expected.
  (socket as unknown as LooseSocket).on("whoami", (...args: unknown[]) => {
    const ack = typeof args.at(-1) === "function" ? args.pop() : undefined;
    void answer(ack, (): ResultOf<"whoami"> => {
      if (args.some((a) => a !== undefined)) throw Invalid("whoami takes no payload.");
      return { id: socket.data.viewer.id, displayName: socket.data.viewer.displayName };
    });
  });
}
