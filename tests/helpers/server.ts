import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "#app/realtime/events";
import { loadConfig } from "#app/lib/config.server";
import { createHearthServer } from "../../server";
import { createTestDatabase } from "./database";

/** The real server (Express + Socket.IO on one http.Server) on a random port and a fresh database. */
export async function startTestServer(env: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", SIGNUPS_PER_IP_PER_HOUR: "1000", ...env });
  const server = await createHearthServer({ config, database, remix: "none" });
  await new Promise<void>((resolve) => server.httpServer.listen(0, "127.0.0.1", resolve));
  const port = (server.httpServer.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];
  return {
    ...server,
    url,
    /** A socket.io-client socket; pass a Cookie header to authenticate. */
    client(options: { cookie?: string; origin?: string; transports?: ("websocket" | "polling")[] } = {}) {
      const headers: Record<string, string> = {};
      if (options.cookie) headers.cookie = options.cookie;
      if (options.origin) headers.origin = options.origin;
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, {
        transports: options.transports ?? ["websocket"],
        extraHeaders: headers,
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      return socket;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      await server.close();
    },
  };
}

/** Resolves on connect, rejects with the server's connect_error message. */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (e) => reject(e));
  });
}
