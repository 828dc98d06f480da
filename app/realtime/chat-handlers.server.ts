import type { z } from "zod";
import type { AppContext } from "#app/lib/app-context.server";
import type { ChatPresence } from "#app/lib/chat-wire";
import { Invalid, NotFound } from "#app/lib/errors";
import { cleanPayload } from "#app/lib/text-input";
import {
  banUser,
  deleteMessage,
  muteUser,
  openRoom,
  pinMessage,
  reportMessage,
  roomAround,
  roomHistory,
  submitMessage,
  setLocked,
  setSlowMode,
} from "#app/modules/chat/chat.server";
import { markRoomRead } from "#app/modules/chat/reading.server";
import { deleteOwnMessage, editOwnMessage, messageVersions } from "#app/modules/chat/own-messages.server";
import { setReaction } from "#app/modules/chat/reactions.server";
import { roomReaders } from "#app/modules/groups/access.server";
import { answer } from "./ack.server";
import { channel, clientEvents, type PayloadEvent, type PayloadOut, type ResultOf } from "./events";
import type { HearthServer, HearthSocket } from "./socket-types";
import { roomSockets } from "./presence-view.server";

const TYPING_RATE = { limit: 20, windowSeconds: 10, message: "typing" };
const PRESENCE_LIST_MAX = 100;
/** Presence changes are coalesced per room on each node, so a burst of joins is one broadcast. */
const PRESENCE_DELAY_MS = 250;

/**
 * Everyone with at least one socket in the room who may still read it (policy chat.read), on every
 * node: this node's sockets now, the others' as last seen (`fresh`: ask them first, within a timeout;
 * a join never waits for Redis or another node). A socket left in the room after its person lost
 * access (a race with a join) is made to leave here, before the broadcast, so it hears no presence either.
 * `asOfJoins` skips that check (the joiner's own answer; the broadcast the join schedules does it).
 */
export async function presenceOf(io: HearthServer, app: AppContext, roomId: string, opts: { fresh?: boolean; asOfJoins?: boolean } = {}): Promise<ChatPresence> {
  const sockets = await roomSockets(io, roomId, opts);
  const ids = sockets.flatMap((s) => (s.data.viewer ? [s.data.viewer.id] : []));
  // asOfJoins (a join's own answer): everyone in the room passed a fresh check when they joined, and
  // the broadcast this join schedules re-checks them all; asking for all of them on every join made
  // a room's joins quadratic.
  const readers = opts.asOfJoins ? new Set(ids) : await roomReaders(app, roomId, ids);
  const people = new Map<string, { id: string; displayName: string }>();
  for (const s of sockets) {
    const v = s.data.viewer;
    if (!v || !readers.has(v.id)) {
      s.leave(channel.room(roomId));
      if (v) s.leave(channel.roomUser(roomId, v.id));
      continue;
    }
    if (!people.has(v.id)) people.set(v.id, { id: v.id, displayName: v.displayName });
  }
  const list = [...people.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  return { roomId, people: list.slice(0, PRESENCE_LIST_MAX), count: list.length };
}

/** Per-server presence broadcaster: at most one broadcast per room per PRESENCE_DELAY_MS. */
export function presenceBroadcaster(io: HearthServer, app: AppContext) {
  const pending = new Map<string, NodeJS.Timeout>();
  return {
    schedule(roomId: string) {
      if (pending.has(roomId)) return;
      const timer = setTimeout(() => {
        pending.delete(roomId);
        presenceOf(io, app, roomId, { fresh: true }).then(
          (p) => io.to(channel.room(roomId)).emit("presence", p),
          () => {}, // a node that went away mid-request: the next change broadcasts again
        );
      }, PRESENCE_DELAY_MS);
      timer.unref();
      pending.set(roomId, timer);
    },
    stop() {
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
    },
  };
}
export type PresenceBroadcaster = ReturnType<typeof presenceBroadcaster>;

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "That request was not understood.";
  const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
  // Zod's own wording for a wrong shape is technical; say plainly what was expected.
  if (issue.code === "invalid_type" && issue.received === "undefined" && issue.path.length === 0) return "Missing payload.";
  return `${where}${issue.message}`;
}

/** What a handler works with: the server's parts and the socket that asked (one object per socket). */
interface Call {
  io: HearthServer;
  app: AppContext;
  presence: PresenceBroadcaster;
  socket: HearthSocket;
  viewer: HearthSocket["data"]["viewer"];
}
/** The work behind one event: the parsed payload in, the ack's data out (typed by the event map). */
type Handler<E extends PayloadEvent> = (call: Call, input: PayloadOut<E>) => Promise<ResultOf<E>> | ResultOf<E>;
/** One handler per chat event of the map: a new entry in events.ts without a handler does not compile. */
type ChatHandlers = { [E in PayloadEvent]: Handler<E> };

const inRoom = (socket: HearthSocket, roomId: string) => socket.rooms.has(channel.room(roomId));

async function leaveRoom(socket: HearthSocket, roomId: string, userId: string) {
  await socket.leave(channel.room(roomId));
  await socket.leave(channel.roomUser(roomId, userId));
}

/** Chat: rooms, messages, typing, presence and moderation over the socket. One table for every socket. */
const handlers: ChatHandlers = {
  "room:join": async ({ io, app, presence, socket, viewer }, input) => {
    // Into the room first, then read its history: a message committed in between arrives live (the
    // client keys messages by id and seq, so one also in the history counts once) instead of falling
    // between the history read and the join. Delivery re-checks chat rooms (adapter.server.ts), so a
    // socket refused below hears nothing meanwhile.
    await socket.join([channel.room(input.roomId), channel.roomUser(input.roomId, viewer.id)]);
    let opened: Awaited<ReturnType<typeof openRoom>>;
    try {
      opened = await openRoom(app, viewer, input);
    } catch (e) {
      await leaveRoom(socket, input.roomId, viewer.id);
      throw e;
    }
    // Asked again once in the room: an access loss that committed after openRoom's check but whose
    // removal broadcast ran before this join would otherwise leave the socket inside.
    if (!(await roomReaders(app, input.roomId, [viewer.id])).has(viewer.id)) {
      await leaveRoom(socket, input.roomId, viewer.id);
      throw NotFound("That room");
    }
    presence.schedule(input.roomId);
    return { ...opened, presence: await presenceOf(io, app, input.roomId, { asOfJoins: true }) };
  },

  "room:leave": async ({ presence, socket, viewer }, { roomId }) => {
    if (inRoom(socket, roomId)) {
      await leaveRoom(socket, roomId, viewer.id);
      presence.schedule(roomId);
    }
    return { roomId };
  },

  "room:history": ({ app, viewer }, input) => roomHistory(app, viewer, input),

  "room:read": ({ app, viewer }, input) => markRoomRead(app, viewer, input),

  // confirmPersonal: the author answered "send anyway" to the personal-data question.
  "message:send": ({ app, viewer }, { confirmPersonal, ...input }) => submitMessage(app, viewer, { ...input, confirmedPersonal: confirmPersonal }),

  typing: async ({ app, socket, viewer }, { roomId, typing }) => {
    if (!inRoom(socket, roomId)) throw NotFound("That room");
    // Typing is best-effort: past the limit it is dropped quietly, never an error for the person.
    if ((await app.limiter.peek(`chat:typing:${socket.id}`, TYPING_RATE)).remaining > 0) {
      await app.limiter.record(`chat:typing:${socket.id}`, TYPING_RATE);
      // Room membership is not permission: relay only for someone who may still read the room.
      if (!(await roomReaders(app, roomId, [viewer.id])).has(viewer.id)) {
        await leaveRoom(socket, roomId, viewer.id);
        throw NotFound("That room");
      }
      socket.to(channel.room(roomId)).emit("typing", { roomId, user: { id: viewer.id, displayName: viewer.displayName }, typing });
    }
    return null;
  },

  "message:delete": ({ app, viewer }, input) => deleteMessage(app, viewer, input),
  "message:report": ({ app, viewer }, input) => reportMessage(app, viewer, input),
  "user:mute": ({ app, viewer }, input) => muteUser(app, viewer, input),
  "user:ban": ({ app, viewer }, input) => banUser(app, viewer, input),
  "room:slow-mode": ({ app, viewer }, input) => setSlowMode(app, viewer, input),
  "room:lock": ({ app, viewer }, input) => setLocked(app, viewer, input),
  "room:pin": ({ app, viewer }, input) => pinMessage(app, viewer, input),
  // Issue 14: your own messages, pages around a message, reactions.
  "room:around": ({ app, viewer }, input) => roomAround(app, viewer, input),
  "message:edit": ({ app, viewer }, { confirmPersonal, ...input }) => editOwnMessage(app, viewer, { ...input, confirmedPersonal: confirmPersonal }),
  "message:delete-own": ({ app, viewer }, input) => deleteOwnMessage(app, viewer, input),
  "message:versions": ({ app, viewer }, input) => messageVersions(app, viewer, input),
  "message:react": ({ app, viewer }, input) => setReaction(app, viewer, input),
};

const isChatEvent = (event: string): event is PayloadEvent => Object.hasOwn(handlers, event);

/**
 * Runs one chat event: the payload is parsed with the event map's schema before the handler sees
 * it. The ack is the last argument if it is a function; anything malformed (no payload, wrong types,
 * extra keys, a missing ack) is answered with an error ack or ignored, never thrown. Other events
 * (whoami has its own listener) are not chat's.
 */
function dispatch(call: Call, event: string, args: unknown[]) {
  if (!isChatEvent(event)) return;
  const ack = typeof args.at(-1) === "function" ? args.pop() : undefined;
  void answer(
    ack,
    () => {
      if (args.length > 1) throw Invalid("Send one payload object.");
      // The input layer (app/lib/text-input.ts): no NULs or lone surrogates reach the database.
      const parsed = clientEvents[event].schema.safeParse(cleanPayload(args[0]));
      if (!parsed.success) throw Invalid(firstIssue(parsed.error));
      return (handlers[event] as Handler<typeof event>)(call, parsed.data as PayloadOut<typeof event>);
    },
    event,
  );
}

export function registerChatHandlers(io: HearthServer, socket: HearthSocket, app: AppContext, presence: PresenceBroadcaster) {
  const call: Call = { io, app, presence, socket, viewer: socket.data.viewer };
  // One listener per socket for every chat event, not one per event: with 1,000 sockets in a room,
  // twenty listeners and closures each were a good part of a connection's memory (bench/README.md).
  socket.onAny((event: string, ...args: unknown[]) => dispatch(call, event, args));

  socket.on("disconnecting", () => {
    for (const name of socket.rooms) {
      const m = /^room:([^:]+)$/.exec(name);
      if (m) presence.schedule(m[1]!);
    }
  });
}
