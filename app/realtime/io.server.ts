import type { Server as HttpServer, IncomingMessage } from "node:http";
import { Server, type Namespace } from "socket.io";
import type { Adapter } from "socket.io-adapter";
import type { AppContext, RealtimePublisher } from "#app/lib/app-context.server";
import { errorFields, log } from "#app/lib/log.server";
import { expectedOrigins, isAllowedOrigin } from "#app/lib/origin.server";
import { readSessionToken, validateSessionToken } from "#app/modules/auth/session.server";
import { moderationLinks } from "#app/modules/moderation/queue.server";
import { unreadCount } from "#app/modules/notifications/notifications.server";
import { registerAccountHandlers } from "./account-handlers.server";
import { guardedAdapter } from "./adapter.server";
import { presenceBroadcaster, registerChatHandlers } from "./chat-handlers.server";
import { channel, SOCKET_AUTH_ERROR, SOCKET_ORIGIN_ERROR } from "./events";
import { forgetRoomView } from "./presence-view.server";
import { roomGuard, type AccessChannel } from "./room-guard.server";
import type { HearthServer } from "./socket-types";

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
export function attachRealtime(httpServer: HttpServer, app: AppContext, options: { adapter?: (nsp: Namespace) => Adapter } = {}) {
  // Created before io so the adapter can ask it; it reaches io (and presence) only when called.
  const guard = roomGuard(app, () => io, (roomId) => presence.schedule(roomId));
  const io: HearthServer = new Server(httpServer, {
    serveClient: false,
    // With REDIS_URL, server.ts passes the Redis Streams adapter: rooms, presence and bans span nodes.
    // Either way it is wrapped: local delivery first, chat rooms re-checked on delivery (adapter.server.ts).
    adapter: guardedAdapter(options.adapter, guard.guard),
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
      // Who the socket is, without their display preferences: nothing over the socket reads them, and
      // each of a room's 1,000 sockets kept its own copy.
      const { preferences: _preferences, ...viewer } = result.viewer;
      socket.data.viewer = viewer;
      next();
    } catch (e) {
      log.error("socket handshake failed", errorFields(e));
      next(new Error(SOCKET_AUTH_ERROR));
    }
  });

  const presence = presenceBroadcaster(io, app);
  io.on("connection", (socket) => {
    void socket.join([sessionRoom(socket.data.viewer.sessionId), userRoom(socket.data.viewer.id)]);
    // The count as of now, once joined: a notice recorded between the page's render and this
    // (re)connection was pushed to nobody, so the header would show a stale count until the next one.
    void unreadCount(app, socket.data.viewer).then(
      (unread) => socket.emit("notification", { notification: null, unread }),
      (e: unknown) => log.error("unread count on connect failed", errorFields(e)),
    );
    // Likewise the held count, for people who review something (moderationLinks: one query that
    // answers both whether they moderate and the count; nobody else is sent a queue event).
    void moderationLinks(app, socket.data.viewer).then(
      (links) => (links.queue ? socket.emit("queue", { held: links.held }) : undefined),
      (e: unknown) => log.error("held count on connect failed", errorFields(e)),
    );
    registerAccountHandlers(io, socket);
    registerChatHandlers(io, socket, app, presence);
  });

  // Every emit goes through io (the adapter), so it reaches the sockets on every node.
  const publisher: RealtimePublisher = {
    disconnectSession: (id) => io.in(sessionRoom(id)).disconnectSockets(true),
    disconnectUser: (id) => {
      io.in(userRoom(id)).disconnectSockets(true);
      return guard.revoke(id);
    },
    notify: (userId, event) => io.to(userRoom(userId)).emit("notification", event),
    blocksChanged: (userId, blockedIds) => io.to(userRoom(userId)).emit("blocks", { blockedIds }),
    queueChanged: (userId, event) => io.to(userRoom(userId)).emit("queue", event),
    chat: {
      messageCreated: (m) => io.to(channel.room(m.roomId)).emit("message:new", m),
      messageDeleted: (e) => io.to(channel.room(e.roomId)).emit("message:deleted", e),
      messageEdited: (e) => io.to(channel.room(e.roomId)).emit("message:edited", e),
      reactionChanged: (e) => io.to(channel.room(e.roomId)).emit("reaction", e),
      roomUpdated: (r) => io.to(channel.room(r.id)).emit("room:updated", r),
      notice: (n) => io.to(channel.room(n.roomId)).emit("notice", n),
      sanctioned: (userId, s) => io.to(userRoom(userId)).emit("sanction", s),
      removeFromRooms: (userId, roomIds) => {
        if (roomIds.length === 0) return;
        io.in(userRoom(userId)).socketsLeave(roomIds.flatMap((id) => [channel.room(id), channel.roomUser(id, userId)]));
        for (const id of roomIds) presence.schedule(id);
        // The leave above travels through Redis; the re-check on delivery does not depend on it.
        return guard.revoke(userId);
      },
    },
  };
  // Nothing to remember for a room this node no longer has sockets in.
  io.of("/").adapter.on("delete-room", (room: string) => {
    const m = /^room:([^:]+)(?::user:(.+))?$/.exec(room);
    if (!m) return;
    guard.drop(m[1]!, m[2]);
    if (!m[2]) forgetRoomView(io, m[1]!);
  });
  /** server.ts connects the channel access changes travel on (Postgres LISTEN/NOTIFY, or in-process). */
  const connectAccessChannel = (ch: AccessChannel) => guard.use(ch);
  return { io, publisher, stopPresence: presence.stop, connectAccessChannel, heardAccessChange: guard.heard };
}
