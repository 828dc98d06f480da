import type { Server as HttpServer, IncomingMessage } from "node:http";
import { Server, type ServerOptions, type Socket } from "socket.io";
import type { AppContext, RealtimePublisher } from "#app/lib/app-context.server";
import { errorFields, log } from "#app/lib/log.server";
import { expectedOrigins, isAllowedOrigin } from "#app/lib/origin.server";
import { readSessionToken, validateSessionToken, type Viewer } from "#app/modules/auth/session.server";
import { registerAccountHandlers } from "./account-handlers.server";
import { presenceBroadcaster, registerChatHandlers } from "./chat-handlers.server";
import { channel, SOCKET_AUTH_ERROR, SOCKET_ORIGIN_ERROR, type ClientToServerEvents, type ServerToClientEvents } from "./events";

export interface SocketData {
  viewer: Viewer;
}
export type HearthServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type HearthSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const sessionRoom = channel.session;
const userRoom = channel.user;

function requestIsSecure(req: IncomingMessage, app: AppContext) {
  if (app.config.SESSION_COOKIE_SECURE !== "auto") return app.config.SESSION_COOKIE_SECURE === "true";
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  return app.config.TRUST_PROXY > 0 && String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]?.trim() === "https";
}

/**
 * Attaches Socket.IO to the app's http.Server. The handshake is the socket's CSRF and auth gate:
 * a foreign Origin is refused (WebSocket handshakes carry cookies and skip CORS), then the
 * session cookie must validate.
 */
export function attachRealtime(httpServer: HttpServer, app: AppContext, options: { adapter?: ServerOptions["adapter"] } = {}) {
  const io: HearthServer = new Server(httpServer, {
    serveClient: false,
    // With REDIS_URL, server.ts passes the Redis Streams adapter: rooms, presence and bans span nodes.
    ...(options.adapter ? { adapter: options.adapter } : {}),
    maxHttpBufferSize: 64 * 1024,
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      // No Origin: not a browser cross-site request (browsers always send it cross-site and on
      // WebSocket handshakes), e.g. a same-origin polling GET or a server-side client.
      if (origin === undefined) return callback(null, true);
      const proto = requestIsSecure(req, app) ? "https" : "http";
      const ok = isAllowedOrigin(origin, expectedOrigins({ protocol: proto, host: req.headers.host }, app.config.PUBLIC_ORIGIN));
      callback(ok ? null : SOCKET_ORIGIN_ERROR, ok);
    },
  });

  io.use(async (socket, next) => {
    try {
      const req = socket.request;
      const token = readSessionToken(req.headers.cookie, requestIsSecure(req, app));
      const result = token ? await validateSessionToken(app, token) : null;
      if (!result) return next(new Error(SOCKET_AUTH_ERROR));
      socket.data.viewer = result.viewer;
      next();
    } catch (e) {
      log.error("socket handshake failed", errorFields(e));
      next(new Error(SOCKET_AUTH_ERROR));
    }
  });

  const presence = presenceBroadcaster(io, app);
  io.on("connection", (socket) => {
    void socket.join([sessionRoom(socket.data.viewer.sessionId), userRoom(socket.data.viewer.id)]);
    registerAccountHandlers(io, socket);
    registerChatHandlers(io, socket, app, presence);
  });

  // Every emit goes through io (the adapter), so it reaches the sockets on every node.
  const publisher: RealtimePublisher = {
    disconnectSession: (id) => io.in(sessionRoom(id)).disconnectSockets(true),
    disconnectUser: (id) => io.in(userRoom(id)).disconnectSockets(true),
    chat: {
      messageCreated: (m) => io.to(channel.room(m.roomId)).emit("message:new", m),
      messageDeleted: (e) => io.to(channel.room(e.roomId)).emit("message:deleted", e),
      roomUpdated: (r) => io.to(channel.room(r.id)).emit("room:updated", r),
      notice: (n) => io.to(channel.room(n.roomId)).emit("notice", n),
      sanctioned: (userId, s) => io.to(userRoom(userId)).emit("sanction", s),
      removeFromRooms: (userId, roomIds) => {
        if (roomIds.length === 0) return;
        io.in(userRoom(userId)).socketsLeave(roomIds.flatMap((id) => [channel.room(id), channel.roomUser(id, userId)]));
        for (const id of roomIds) presence.schedule(id);
      },
    },
  };
  return { io, publisher, stopPresence: presence.stop };
}
