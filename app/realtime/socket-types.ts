import type { Server, Socket } from "socket.io";
import type { Viewer } from "#app/modules/auth/session.server";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

/**
 * The server's typed Socket.IO types, apart from io.server.ts so the handlers can name them without
 * importing the module that imports them (no cycle, even a type-only one).
 */
export interface SocketData {
  viewer: Omit<Viewer, "preferences">;
}
export type HearthServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type HearthSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
