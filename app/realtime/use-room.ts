import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { Ack, ChatMessage, ChatReactionKind, ClientToServerEvents, HeldSent, HistoryPage, PayloadEvent, PayloadIn, ResultOf, RoomJoined, Sent, ServerToClientEvents } from "./events";
import { holdUserSocket, releaseUserSocket, socketListeners } from "./user-socket";
import { initialRoomState, muteCheck, readableSeq, roomReducer, waitingSends, type Pending, type RoomInitial } from "./room-state";

export type { Connection, Pending, RoomInitial, Typist } from "./room-state";

/**
 * The browser side of one chat room: a thin hook over the pure state machine in room-state.ts.
 * Owns the socket (same origin, websocket-only), joins the room,
 * and on every (re)connect re-joins with `after` = the highest seq it holds without a gap, so a
 * reconnect fetches exactly what it missed. Messages are deduped by id and kept sorted by seq.
 * Sends are optimistic: pending until the server's ack, failed (text kept, "Retry") otherwise; a
 * retry reuses the clientId, which the server treats idempotently. A message written while the
 * connection is down waits, and is sent by itself (once, with its clientId) when the room is
 * joined again. A mute re-enables the box by itself when it runs out.
 */

const SEND_TIMEOUT_MS = 10_000;
const TYPING_SHOWN_MS = 6_000;
/** Reading state goes to the server at most this often (the latest position, once it settles). */
const READ_THROTTLE_MS = 1_000;

function newClientId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The server asked "send anyway?" about a message (needs_confirmation): nothing was stored. */
export type PersonalCheck = { clientId: string; body: string; replyToId?: string; message: string };

export function useRoom({ roomId, initial, self }: { roomId: string; initial: RoomInitial; self: { id: string; displayName: string } }) {
  /** The sender's own message matched a crisis phrase: show the gentle "Get help now" prompt until dismissed. */
  const [crisisPrompt, setCrisisPrompt] = useState(false);
  /** The personal-data question about the last send, until the author answers it. */
  const [personalCheck, setPersonalCheck] = useState<PersonalCheck | null>(null);
  const [state, dispatch] = useReducer(roomReducer, initial, initialRoomState);
  const socketRef = useRef<RoomSocket | null>(null);
  const lastSeqRef = useRef(state.lastSeq);
  lastSeqRef.current = state.lastSeq;
  const roomRef = useRef(state.room);
  roomRef.current = state.room;
  const oldestRef = useRef(state.messages[0]?.seq);
  oldestRef.current = state.messages[0]?.seq;
  const pendingRef = useRef(state.pending);
  pendingRef.current = state.pending;
  /** Not at the live end (a page around one message): a re-join fetches one page after it, not all. */
  const hasNewerRef = useRef(state.hasNewer);
  hasNewerRef.current = state.hasNewer;
  /** Re-join the room (learn our standing again); set while the socket effect is mounted. */
  const rejoinRef = useRef<(() => Promise<void>) | null>(null);
  /** Sends whose ack we are waiting for: a message is never on the wire twice at once. */
  const inFlight = useRef(new Set<string>());
  const attemptRef = useRef<((clientId: string, body: string, replyToId?: string) => Promise<void>) | null>(null);
  /** The highest seq the server has (or is being told) as read; room:read only ever moves it up. */
  const readSent = useRef(initial.lastReadSeq ?? 0);
  const readTarget = useRef<number | null>(null);
  readTarget.current = readableSeq(state);
  const readTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const readAt = useRef(0);
  const flushRead = useRef(() => {
    const socket = socketRef.current;
    const seq = readTarget.current;
    if (!socket?.connected || seq === null || seq <= readSent.current) return;
    const before = readSent.current;
    readSent.current = seq;
    socket.emit("room:read", { roomId, seq }, (res) => {
      if (res.ok) readSent.current = Math.max(readSent.current, res.data.lastReadSeq);
      else readSent.current = before; // the next message or scroll tries again
    });
  });

  useEffect(() => {
    // The tab's one connection, shared with the header's notification count (user-socket.ts).
    const socket: RoomSocket = holdUserSocket(io);
    const flush = flushRead.current;
    const { on, off } = socketListeners(socket);
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
      readSent.current = Math.max(readSent.current, res.data.lastReadSeq);
      dispatch({ type: "joined", data: res.data });
      // What was seen while the connection was not up yet (or away) is told now.
      flush();
      if (hasNewerRef.current) {
        dispatch({ type: "newer", page: res.data, selfId: self.id });
        for (const p of waitingSends({ pending: pendingRef.current })) void attemptRef.current?.(p.clientId, p.body, p.replyToId);
        return;
      }
      merge(res.data.messages, after > 0);
      // Back in the room: what was written while offline goes out now, oldest first, each once.
      for (const p of waitingSends({ pending: pendingRef.current })) void attemptRef.current?.(p.clientId, p.body, p.replyToId);
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
    on("connect", () => void join());
    on("disconnect", (reason) => {
      // "io server disconnect": the server ended it (signed out elsewhere): don't pretend to reconnect.
      dispatch({ type: "connection", value: reason === "io server disconnect" ? "signed-out" : "reconnecting" });
    });
    on("connect_error", (e) => {
      dispatch({ type: "connection", value: e.message === "unauthorized" ? "signed-out" : "reconnecting" });
      if (e.message === "unauthorized") socket.disconnect();
    });
    on("message:new", (m) => {
      if (m.roomId === roomId) merge([m], true);
    });
    on("message:deleted", (e) => {
      if (e.roomId === roomId) dispatch({ type: "deleted", messageId: e.messageId, at: new Date().toISOString(), byAuthor: e.byAuthor });
    });
    on("message:edited", (e) => {
      if (e.roomId === roomId) dispatch({ type: "edited", event: e });
    });
    on("reaction", (e) => {
      if (e.roomId === roomId) dispatch({ type: "reaction", event: e, selfId: self.id });
    });
    on("room:updated", (room) => {
      if (room.id !== roomId) return;
      const before = roomRef.current;
      dispatch({ type: "room", room });
      // Locking or archiving changes who may send: ask the server for our standing again.
      if (before.locked !== room.locked || before.archived !== room.archived) void join();
    });
    on("presence", (p) => {
      if (p.roomId === roomId) dispatch({ type: "presence", presence: p });
    });
    on("typing", (t) => {
      if (t.roomId !== roomId || t.user.id === self.id) return;
      dispatch({ type: "typing", userId: t.user.id, typist: t.typing ? { ...t.user, until: Date.now() + TYPING_SHOWN_MS } : null });
    });
    on("notice", (n) => {
      if (!("roomId" in n) || n.roomId === roomId) dispatch({ type: "notice", message: n.message });
    });
    // A block or unblock in any of the member's tabs: this room collapses (or shows) by author at once.
    on("blocks", (b) => dispatch({ type: "you", you: { blockedIds: b.blockedIds } }));
    on("sanction", (s) => {
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
    // Already connected for the header: join now (there will be no "connect" event to wait for).
    if (socket.connected) void join();
    const timer = setInterval(() => dispatch({ type: "expireTyping", now: Date.now() }), 1000);
    return () => {
      clearInterval(timer);
      // Leaving the room: what was seen but not yet told goes out now.
      if (readTimer.current) {
        clearTimeout(readTimer.current);
        readTimer.current = null;
        flush();
      }
      rejoinRef.current = null;
      off();
      // The connection stays for the header: leave the room, so presence no longer counts this tab.
      if (socket.connected) socket.emit("room:leave", { roomId }, () => {});
      releaseUserSocket();
      socketRef.current = null;
    };
  }, [roomId, self.id]);

  /** One try on the wire. A drop while waiting for the ack puts the message back to waiting. */
  const attempt = useCallback(
    async (clientId: string, body: string, replyToId?: string, confirmPersonal = false) => {
      const socket = socketRef.current;
      if (!socket?.connected) return dispatch({ type: "status", clientId, status: "waiting" });
      if (inFlight.current.has(clientId)) return;
      inFlight.current.add(clientId);
      dispatch({ type: "status", clientId, status: "sending" });
      try {
        const res = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck("message:send", { roomId, body, clientId, ...(replyToId ? { replyToId } : {}), ...(confirmPersonal ? { confirmPersonal: true } : {}) })) as Ack<Sent | HeldSent>;
        if (res.ok && "held" in res.data) {
          // Waiting for a moderator: shown to the sender only, as "Waiting for a moderator's review".
          dispatch({ type: "status", clientId, status: "held" });
        } else if (res.ok) {
          const sent = res.data as Sent;
          dispatch({ type: "merge", messages: [sent.message], selfId: self.id, announce: false });
          dispatch({ type: "settle", clientId, error: null });
          if (sent.crisisPrompt) setCrisisPrompt(true);
        } else if (res.error.code === "needs_confirmation") {
          // A question, not a failure: nothing was stored; the composer asks, the text goes back in the box.
          dispatch({ type: "settle", clientId, error: null });
          setPersonalCheck({ clientId, body, ...(replyToId ? { replyToId } : {}), message: res.error.message });
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
    async (clientId: string, body: string, replyToId?: string, confirmPersonal = false) => {
      const online = socketRef.current?.connected === true;
      dispatch({ type: "pending", pending: { clientId, body, replyToId, status: online ? "sending" : "waiting", error: null } });
      if (online) await attempt(clientId, body, replyToId, confirmPersonal);
    },
    [attempt],
  );

  // A mute that runs out re-enables the box by itself: at its end, ask the server for our standing.
  const mutedUntil = state.you.canSend ? null : state.you.mutedUntil;
  useEffect(() => {
    if (!mutedUntil) return;
    let timer: ReturnType<typeof setTimeout>;
    const wait = () => {
      const next = muteCheck(mutedUntil, Date.now());
      if (next.askNow) void rejoinRef.current?.();
      timer = setTimeout(wait, next.askNow ? next.retryMs : next.waitMs);
    };
    wait();
    return () => clearTimeout(timer);
  }, [mutedUntil]);

  // Viewing = the tab is visible and the newest message is in view (MessageList reports the scroll).
  const atBottom = useRef(true);
  const updateViewing = useCallback(() => {
    dispatch({ type: "viewing", value: atBottom.current && document.visibilityState === "visible" });
    // Hidden (another tab, or the page is closing): don't hold a throttled read back.
    if (document.visibilityState === "hidden" && readTimer.current) {
      clearTimeout(readTimer.current);
      readTimer.current = null;
      flushRead.current();
    }
  }, []);
  useEffect(() => {
    document.addEventListener("visibilitychange", updateViewing);
    updateViewing();
    return () => document.removeEventListener("visibilitychange", updateViewing);
  }, [updateViewing]);
  const setAtBottom = useCallback(
    (value: boolean) => {
      atBottom.current = value;
      updateViewing();
    },
    [updateViewing],
  );

  // Tell the server what the reader has seen: at once, then at most once per READ_THROTTLE_MS (the
  // latest position only), never backwards.
  const readable = readableSeq(state);
  useEffect(() => {
    if (readable === null || readable <= readSent.current || readTimer.current) return;
    const send = () => {
      readTimer.current = null;
      readAt.current = Date.now();
      flushRead.current();
    };
    const wait = readAt.current + READ_THROTTLE_MS - Date.now();
    if (wait <= 0) send();
    else readTimer.current = setTimeout(send, wait);
  }, [readable]);

  const send = useCallback((body: string, replyToId?: string) => deliver(newClientId(), body, replyToId), [deliver]);
  const retry = useCallback((p: Pending) => deliver(p.clientId, p.body, p.replyToId), [deliver]);
  const discard = useCallback((clientId: string) => dispatch({ type: "settle", clientId, error: null }), []);
  /** "Send anyway": the asked message again with the confirmation; the same clientId while the text is unchanged. */
  const sendAnyway = useCallback(
    (check: PersonalCheck, body: string) => {
      setPersonalCheck(null);
      void deliver(body === check.body ? check.clientId : newClientId(), body, check.replyToId, true);
    },
    [deliver],
  );
  const dismissPersonalCheck = useCallback(() => setPersonalCheck(null), []);

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
  const request = useCallback(async <E extends PayloadEvent>(event: E, payload: PayloadIn<E>): Promise<Ack<ResultOf<E>>> => {
    const socket = socketRef.current;
    if (!socket?.connected) return { ok: false, error: { code: "offline", message: "Not connected. Please try again in a moment." } };
    try {
      // The typed emit can't follow a generic event name; the payload type is checked at the call site.
      const timed = socket.timeout(SEND_TIMEOUT_MS) as unknown as { emitWithAck(e: E, p: PayloadIn<E>): Promise<Ack<ResultOf<E>>> };
      return await timed.emitWithAck(event, payload);
    } catch {
      return { ok: false, error: { code: "timeout", message: "No answer from the server. Please try again." } };
    }
  }, []);

  const dismissCrisisPrompt = useCallback(() => setCrisisPrompt(false), []);

  /** The author's edit: shown from the ack at once (the broadcast then changes nothing). */
  const edit = useCallback(
    async (messageId: string, body: string, confirmPersonal = false) => {
      const res = await request("message:edit", { messageId, body, ...(confirmPersonal ? { confirmPersonal: true } : {}) });
      if (res.ok && res.data.changed) dispatch({ type: "edited", event: res.data });
      if (res.ok && res.data.crisisPrompt) setCrisisPrompt(true);
      return res;
    },
    [request],
  );
  const deleteOwn = useCallback(
    async (messageId: string) => {
      const res = await request("message:delete-own", { messageId });
      if (res.ok) dispatch({ type: "deleted", messageId, at: new Date().toISOString(), byAuthor: true });
      return res;
    },
    [request],
  );

  /** Sets the reader's reaction; the ack's count is shown at once (the broadcast may come first or after). */
  const react = useCallback(
    async (messageId: string, kind: ChatReactionKind, reacted: boolean) => {
      const res = await request("message:react", { messageId, kind, reacted });
      if (res.ok) dispatch({ type: "reaction", event: { roomId, ...res.data, userId: self.id }, selfId: self.id, ack: true });
      return res;
    },
    [request, roomId, self.id],
  );

  /** Shows the page around `seq` in place of the list (a reply's original older than what is loaded). */
  const around = useCallback(
    async (seq: number) => {
      const res = await request("room:around", { roomId, seq });
      if (res.ok) dispatch({ type: "around", page: res.data });
      return res.ok;
    },
    [request, roomId],
  );
  /** The messages after the held top (while not at the live end). */
  const loadNewer = useCallback(async () => {
    const res = await request("room:history", { roomId, after: lastSeqRef.current });
    if (res.ok) dispatch({ type: "newer", page: res.data, selfId: self.id });
  }, [request, roomId, self.id]);
  /** Back to the live end: the latest page, then whatever landed while it was on its way. */
  const jumpToLatest = useCallback(async () => {
    const res = await request("room:history", { roomId, before: Number.MAX_SAFE_INTEGER });
    if (!res.ok) return false;
    dispatch({ type: "around", page: { ...res.data, hasMore: false } });
    let cursor = res.data.messages.at(-1)?.seq ?? 0;
    for (;;) {
      const page = await request("room:history", { roomId, after: cursor });
      if (!page.ok) break;
      dispatch({ type: "merge", messages: page.data.messages, selfId: self.id, announce: false });
      if (!page.data.hasMore) break;
      cursor = page.data.messages.at(-1)?.seq ?? cursor;
    }
    return true;
  }, [request, roomId, self.id]);

  /** A message this client stored over HTTP (a voice note): shown at once; its broadcast is deduped by id. */
  const receive = useCallback((message: ChatMessage) => dispatch({ type: "merge", messages: [message], selfId: self.id, announce: false }), [self.id]);

  return { state, send, retry, discard, loadOlder, setTyping, request, crisisPrompt, dismissCrisisPrompt, setAtBottom, edit, deleteOwn, react, around, loadNewer, jumpToLatest, receive, personalCheck, sendAnyway, dismissPersonalCheck };
}
