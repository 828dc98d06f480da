import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type {
  Ack,
  ChatMessage,
  ChatPresence,
  ChatRoomState,
  ChatYou,
  ClientToServerEvents,
  HistoryPage,
  RoomJoined,
  Sent,
  ServerToClientEvents,
} from "./events";

/**
 * The browser side of one chat room. Owns the socket (same origin, websocket-only), joins the room,
 * and on every (re)connect re-joins with `after` = the highest seq it holds without a gap, so a
 * reconnect fetches exactly what it missed. Messages are deduped by id and kept sorted by seq.
 * Sends are optimistic: pending until the server's ack, failed (text kept, "Retry") otherwise; a
 * retry reuses the clientId, which the server treats idempotently. A message written while the
 * connection is down waits, and is sent by itself (once, with its clientId) when the room is
 * joined again. A mute re-enables the box by itself when it runs out.
 */

export type Connection = "connecting" | "online" | "reconnecting" | "signed-out";
export interface Pending {
  clientId: string;
  body: string;
  /** waiting: written while offline, sent by itself once the room is joined again. */
  status: "waiting" | "sending" | "failed";
  error: string | null;
}
export interface Typist {
  id: string;
  displayName: string;
  until: number;
}

export interface RoomInitial {
  room: ChatRoomState;
  you: ChatYou;
  messages: ChatMessage[];
  hasOlder: boolean;
}

interface State {
  messages: ChatMessage[];
  lastSeq: number;
  hasOlder: boolean;
  loadingOlder: boolean;
  pending: Pending[];
  connection: Connection;
  room: ChatRoomState;
  you: ChatYou;
  removed: string | null;
  presence: ChatPresence | null;
  typing: Typist[];
  /** The latest line for the polite live region. */
  announcement: string;
  notices: { id: number; message: string }[];
  joinError: string | null;
}

type Action =
  | { type: "merge"; messages: ChatMessage[]; selfId: string; announce: boolean }
  | { type: "older"; page: HistoryPage }
  | { type: "loadingOlder"; value: boolean }
  | { type: "joined"; data: RoomJoined }
  | { type: "joinFailed"; message: string }
  | { type: "connection"; value: Connection }
  | { type: "deleted"; messageId: string }
  | { type: "room"; room: ChatRoomState }
  | { type: "you"; you: Partial<ChatYou>; removed?: string | null; notice?: string }
  | { type: "presence"; presence: ChatPresence }
  | { type: "typing"; typist: Typist | null; userId: string }
  | { type: "expireTyping"; now: number }
  | { type: "notice"; message: string }
  | { type: "pending"; pending: Pending }
  | { type: "settle"; clientId: string; error: string | null }
  | { type: "status"; clientId: string; status: Pending["status"] };

let noticeIds = 0;

function contiguousTop(messages: ChatMessage[], from: number): number {
  const seqs = new Set(messages.map((m) => m.seq));
  let top = from;
  while (seqs.has(top + 1)) top += 1;
  return top;
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "merge": {
      if (!action.messages.length) return state;
      const byId = new Map(state.messages.map((m) => [m.id, m]));
      const fresh: ChatMessage[] = [];
      for (const m of action.messages) {
        if (!byId.has(m.id)) fresh.push(m);
        byId.set(m.id, m);
      }
      const messages = [...byId.values()].sort((a, b) => a.seq - b.seq);
      const confirmed = new Set(action.messages.filter((m) => m.author.id === action.selfId).map((m) => m.clientId));
      const others = fresh.filter((m) => m.author.id !== action.selfId && !m.deleted);
      const last = others.at(-1);
      return {
        ...state,
        messages,
        lastSeq: contiguousTop(messages, state.lastSeq),
        pending: state.pending.filter((p) => !confirmed.has(p.clientId)),
        typing: state.typing.filter((t) => !others.some((m) => m.author.id === t.id)),
        announcement:
          action.announce && last
            ? others.length > 1
              ? `${others.length} new messages. Latest from ${last.author.displayName}: ${last.body}`
              : `${last.author.displayName}: ${last.body}`
            : state.announcement,
      };
    }
    case "older": {
      const byId = new Map(state.messages.map((m) => [m.id, m]));
      for (const m of action.page.messages) byId.set(m.id, m);
      return { ...state, messages: [...byId.values()].sort((a, b) => a.seq - b.seq), hasOlder: action.page.hasOlder, loadingOlder: false };
    }
    case "loadingOlder":
      return { ...state, loadingOlder: action.value };
    case "joined":
      return { ...state, room: action.data.room, you: action.data.you, presence: action.data.presence, joinError: null, connection: "online" };
    case "joinFailed":
      return { ...state, joinError: action.message, connection: "online" };
    case "connection":
      return { ...state, connection: action.value };
    case "deleted":
      return {
        ...state,
        messages: state.messages.map((m) => (m.id === action.messageId ? { ...m, body: "", deleted: { at: new Date().toISOString() } } : m)),
        room: state.room.pinned?.id === action.messageId ? { ...state.room, pinned: null } : state.room,
      };
    case "room":
      return { ...state, room: action.room };
    case "you": {
      const next = { ...state, you: { ...state.you, ...action.you } };
      if (action.removed !== undefined) next.removed = action.removed;
      if (action.notice) {
        next.notices = [...state.notices, { id: ++noticeIds, message: action.notice }].slice(-5);
        next.announcement = action.notice;
      }
      return next;
    }
    case "presence":
      return { ...state, presence: action.presence };
    case "typing": {
      const rest = state.typing.filter((t) => t.id !== action.userId);
      return { ...state, typing: action.typist ? [...rest, action.typist] : rest };
    }
    case "expireTyping": {
      const typing = state.typing.filter((t) => t.until > action.now);
      return typing.length === state.typing.length ? state : { ...state, typing };
    }
    case "notice":
      return {
        ...state,
        notices: [...state.notices, { id: ++noticeIds, message: action.message }].slice(-5),
        announcement: action.message,
      };
    case "pending":
      return { ...state, pending: [...state.pending.filter((p) => p.clientId !== action.pending.clientId), action.pending] };
    case "status":
      return { ...state, pending: state.pending.map((p) => (p.clientId === action.clientId ? { ...p, status: action.status, error: null } : p)) };
    case "settle":
      return {
        ...state,
        pending:
          action.error === null
            ? state.pending.filter((p) => p.clientId !== action.clientId)
            : state.pending.map((p) => (p.clientId === action.clientId ? { ...p, status: "failed", error: action.error } : p)),
      };
  }
}

const SEND_TIMEOUT_MS = 10_000;
const TYPING_SHOWN_MS = 6_000;

function newClientId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function useRoom({ roomId, initial, self }: { roomId: string; initial: RoomInitial; self: { id: string; displayName: string } }) {
  /** The sender's own message matched a crisis phrase: show the gentle "Get help now" prompt until dismissed. */
  const [crisisPrompt, setCrisisPrompt] = useState(false);
  const [state, dispatch] = useReducer(reducer, undefined, () => ({
    messages: initial.messages,
    lastSeq: initial.messages.at(-1)?.seq ?? 0,
    hasOlder: initial.hasOlder,
    loadingOlder: false,
    pending: [],
    connection: "connecting" as Connection,
    room: initial.room,
    you: initial.you,
    removed: null,
    presence: null,
    typing: [],
    announcement: "",
    notices: [],
    joinError: null,
  }));
  const socketRef = useRef<RoomSocket | null>(null);
  const lastSeqRef = useRef(state.lastSeq);
  lastSeqRef.current = state.lastSeq;
  const roomRef = useRef(state.room);
  roomRef.current = state.room;
  const oldestRef = useRef(state.messages[0]?.seq);
  oldestRef.current = state.messages[0]?.seq;
  const pendingRef = useRef(state.pending);
  pendingRef.current = state.pending;
  /** Re-join the room (learn our standing again); set while the socket effect is mounted. */
  const rejoinRef = useRef<(() => Promise<void>) | null>(null);
  /** Sends whose ack we are waiting for: a message is never on the wire twice at once. */
  const inFlight = useRef(new Set<string>());
  const attemptRef = useRef<((clientId: string, body: string) => Promise<void>) | null>(null);

  useEffect(() => {
    // Same origin; websocket only, so a load balancer needs no sticky sessions.
    const socket: RoomSocket = io({ transports: ["websocket"], reconnectionDelayMax: 5000 });
    socketRef.current = socket;
    const merge = (messages: ChatMessage[], announce: boolean) => dispatch({ type: "merge", messages, selfId: self.id, announce });

    async function join() {
      const after = lastSeqRef.current;
      const res = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck("room:join", { roomId, after }).catch(() => null)) as Ack<RoomJoined> | null;
      if (!res) return; // the connection dropped again; the next connect re-joins
      if (!res.ok) {
        dispatch({ type: "joinFailed", message: res.error.message });
        return;
      }
      dispatch({ type: "joined", data: res.data });
      merge(res.data.messages, after > 0);
      // Back in the room: what was written while offline goes out now, oldest first, each once.
      for (const p of pendingRef.current) if (p.status === "waiting") void attemptRef.current?.(p.clientId, p.body);
      // A long absence: keep asking until caught up.
      let more = res.data.hasMore;
      let cursor = res.data.messages.at(-1)?.seq ?? after;
      while (more) {
        const page = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck("room:history", { roomId, after: cursor }).catch(() => null)) as Ack<HistoryPage> | null;
        if (!page || !page.ok) break;
        merge(page.data.messages, false);
        more = page.data.hasMore;
        cursor = page.data.messages.at(-1)?.seq ?? cursor;
      }
    }

    rejoinRef.current = join;
    socket.on("connect", () => void join());
    socket.on("disconnect", (reason) => {
      // "io server disconnect": the server ended it (signed out elsewhere): don't pretend to reconnect.
      dispatch({ type: "connection", value: reason === "io server disconnect" ? "signed-out" : "reconnecting" });
    });
    socket.on("connect_error", (e) => {
      dispatch({ type: "connection", value: e.message === "unauthorized" ? "signed-out" : "reconnecting" });
      if (e.message === "unauthorized") socket.disconnect();
    });
    socket.on("message:new", (m) => {
      if (m.roomId === roomId) merge([m], true);
    });
    socket.on("message:deleted", (e) => {
      if (e.roomId === roomId) dispatch({ type: "deleted", messageId: e.messageId });
    });
    socket.on("room:updated", (room) => {
      if (room.id !== roomId) return;
      const before = roomRef.current;
      dispatch({ type: "room", room });
      // Locking or archiving changes who may send: ask the server for our standing again.
      if (before.locked !== room.locked || before.archived !== room.archived) void join();
    });
    socket.on("presence", (p) => {
      if (p.roomId === roomId) dispatch({ type: "presence", presence: p });
    });
    socket.on("typing", (t) => {
      if (t.roomId !== roomId || t.user.id === self.id) return;
      dispatch({ type: "typing", userId: t.user.id, typist: t.typing ? { ...t.user, until: Date.now() + TYPING_SHOWN_MS } : null });
    });
    socket.on("notice", (n) => {
      if (!("roomId" in n) || n.roomId === roomId) dispatch({ type: "notice", message: n.message });
    });
    socket.on("sanction", (s) => {
      if (s.roomId !== roomId) return;
      if (s.banned) {
        dispatch({ type: "you", you: { canSend: false, sendBlockedReason: s.message }, removed: s.message, notice: s.message });
      } else if (s.mutedUntil) {
        dispatch({ type: "you", you: { canSend: false, mutedUntil: s.mutedUntil, sendBlockedReason: s.message }, notice: s.message });
      } else {
        // Lifted: re-join to learn the full standing again.
        dispatch({ type: "you", you: {}, removed: null, notice: s.message });
        void join();
      }
    });
    const timer = setInterval(() => dispatch({ type: "expireTyping", now: Date.now() }), 1000);
    return () => {
      clearInterval(timer);
      rejoinRef.current = null;
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [roomId, self.id]);

  /** One try on the wire. A drop while waiting for the ack puts the message back to waiting. */
  const attempt = useCallback(
    async (clientId: string, body: string) => {
      const socket = socketRef.current;
      if (!socket?.connected) return dispatch({ type: "status", clientId, status: "waiting" });
      if (inFlight.current.has(clientId)) return;
      inFlight.current.add(clientId);
      dispatch({ type: "status", clientId, status: "sending" });
      try {
        const res = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck("message:send", { roomId, body, clientId })) as Ack<Sent>;
        if (res.ok) {
          dispatch({ type: "merge", messages: [res.data.message], selfId: self.id, announce: false });
          dispatch({ type: "settle", clientId, error: null });
          if (res.data.crisisPrompt) setCrisisPrompt(true);
        } else {
          dispatch({ type: "settle", clientId, error: `Not sent: ${res.error.message}` });
        }
      } catch {
        if (!socket.connected) dispatch({ type: "status", clientId, status: "waiting" });
        else dispatch({ type: "settle", clientId, error: "Not sent: no answer from the server. Your message is kept; press Retry." });
      } finally {
        inFlight.current.delete(clientId);
      }
    },
    [roomId, self.id],
  );
  attemptRef.current = attempt;

  const deliver = useCallback(
    async (clientId: string, body: string) => {
      const online = socketRef.current?.connected === true;
      dispatch({ type: "pending", pending: { clientId, body, status: online ? "sending" : "waiting", error: null } });
      if (online) await attempt(clientId, body);
    },
    [attempt],
  );

  // A mute that runs out re-enables the box by itself: at its end, ask the server for our standing.
  const mutedUntil = state.you.canSend ? null : state.you.mutedUntil;
  useEffect(() => {
    if (!mutedUntil) return;
    const end = Date.parse(mutedUntil);
    let timer: ReturnType<typeof setTimeout>;
    const wait = () => {
      const left = end - Date.now();
      if (left <= 0) {
        // Ask again every few seconds until the server agrees (its clock may be a little behind).
        void rejoinRef.current?.();
        timer = setTimeout(wait, 3000);
        return;
      }
      // setTimeout holds at most ~24.8 days; a mute can be longer, so wait in steps.
      timer = setTimeout(wait, Math.min(left + 250, 2 ** 31 - 1));
    };
    wait();
    return () => clearTimeout(timer);
  }, [mutedUntil]);

  const send = useCallback((body: string) => deliver(newClientId(), body), [deliver]);
  const retry = useCallback((p: Pending) => deliver(p.clientId, p.body), [deliver]);
  const discard = useCallback((clientId: string) => dispatch({ type: "settle", clientId, error: null }), []);

  const loadOlder = useCallback(async () => {
    const socket = socketRef.current;
    const before = oldestRef.current;
    if (!socket?.connected || before === undefined) return;
    dispatch({ type: "loadingOlder", value: true });
    const res = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck("room:history", { roomId, before }).catch(() => null)) as Ack<HistoryPage> | null;
    if (res?.ok) dispatch({ type: "older", page: res.data });
    else dispatch({ type: "loadingOlder", value: false });
  }, [roomId]);

  const typingSent = useRef(0);
  const setTyping = useCallback(
    (typing: boolean) => {
      const socket = socketRef.current;
      if (!socket?.connected) return;
      const now = Date.now();
      if (typing && now - typingSent.current < 3000) return;
      typingSent.current = typing ? now : 0;
      socket.emit("typing", { roomId, typing }, () => {});
    },
    [roomId],
  );

  /** Moderation and reports: resolves with the ack (never rejects). */
  const request = useCallback(async <E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<Ack<unknown>> => {
    const socket = socketRef.current;
    if (!socket?.connected) return { ok: false, error: { code: "offline", message: "Not connected. Please try again in a moment." } };
    try {
      // The typed emit can't follow a generic event name; the payload type is checked at the call site.
      const timed = socket.timeout(SEND_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<unknown>> };
      return await timed.emitWithAck(event, payload);
    } catch {
      return { ok: false, error: { code: "timeout", message: "No answer from the server. Please try again." } };
    }
  }, []);

  const dismissCrisisPrompt = useCallback(() => setCrisisPrompt(false), []);

  return { state, send, retry, discard, loadOlder, setTyping, request, crisisPrompt, dismissCrisisPrompt };
}
