import type { HearthServer, HearthSocket } from "./io.server";
import { answer } from "./ack.server";

/** `whoami`: proves the handshake's session wiring; the chat issue adds the room handlers beside it. */
export function registerAccountHandlers(_io: HearthServer, socket: HearthSocket) {
  socket.on("whoami", (ack) =>
    answer(ack, () => ({ id: socket.data.viewer.id, displayName: socket.data.viewer.displayName })),
  );
}
