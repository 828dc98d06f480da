import type { ChatMessage, ChatPresence, ChatRoomState, ChatYou, HistoryPage, RoomJoined } from "./events";

/**
 * The client state machine of one chat room, with no React and no socket, so it is unit-tested
 * (tests/unit/room-state.test.ts); use-room.ts is the thin hook that feeds it socket events.
 * Messages are deduped by id and kept sorted by seq; `lastSeq` is the highest seq held without a
 * gap (the reconnect cursor). A pending send (keyed by its clientId) leaves exactly once: when
 * its message arrives, from the ack or the broadcast, whichever is first.
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
  /** The member's read position when the page was rendered (the divider's place). */
  lastReadSeq?: number;
}

export interface RoomState {
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
  /** The id the next notice gets (kept in the state so the reducer stays pure). */
  nextNoticeId: number;
  joinError: string | null;
  /**
   * The "New messages" divider goes before the first message after this seq (null: not known yet).
   * It stays put while the page is open; while nothing is unread it follows what the reader sees.
   */
  dividerAfter: number | null;
  /** The tab is visible and the newest message is in view: what arrives now counts as read. */
  viewing: boolean;
}

export type RoomAction =
  | { type: "merge"; messages: ChatMessage[]; selfId: string; announce: boolean }
  | { type: "older"; page: HistoryPage }
  | { type: "loadingOlder"; value: boolean }
  | { type: "joined"; data: RoomJoined }
  | { type: "joinFailed"; message: string }
  | { type: "connection"; value: Connection }
  | { type: "deleted"; messageId: string; at: string; byAuthor?: boolean }
  | { type: "room"; room: ChatRoomState }
  | { type: "you"; you: Partial<ChatYou>; removed?: string | null; notice?: string }
  | { type: "presence"; presence: ChatPresence }
  | { type: "typing"; typist: Typist | null; userId: string }
  | { type: "expireTyping"; now: number }
  | { type: "notice"; message: string }
  | { type: "pending"; pending: Pending }
  | { type: "settle"; clientId: string; error: string | null }
  | { type: "status"; clientId: string; status: Pending["status"] }
  | { type: "viewing"; value: boolean };

/** Whether some held message is after the divider's place (so the divider shows). */
export function hasUnread(state: Pick<RoomState, "messages" | "dividerAfter">): boolean {
  const top = state.messages.at(-1)?.seq;
  return state.dividerAfter !== null && top !== undefined && top > state.dividerAfter;
}

/** The seq to report as read: the newest message held, once the reader is looking at it. */
export function readableSeq(state: Pick<RoomState, "messages" | "viewing">): number | null {
  return state.viewing ? (state.messages.at(-1)?.seq ?? null) : null;
}

/** The highest seq reachable from `from` without a gap: the cursor a re-join asks "after". */
export function contiguousTop(messages: ChatMessage[], from: number): number {
  const seqs = new Set(messages.map((m) => m.seq));
  let top = from;
  while (seqs.has(top + 1)) top += 1;
  return top;
}

/** The last five notices, the newest also read out. */
function withNotice(state: RoomState, message: string) {
  return {
    notices: [...state.notices, { id: state.nextNoticeId, message }].slice(-5),
    nextNoticeId: state.nextNoticeId + 1,
    announcement: message,
  };
}

/** The room's next state: pure (no React, no socket, no clock but the times actions carry). */
export function roomReducer(state: RoomState, action: RoomAction): RoomState {
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
      // Nothing unread yet: messages the reader sees arrive (or their own) don't open a divider.
      const seen = state.viewing || fresh.every((m) => m.author.id === action.selfId);
      const dividerAfter =
        state.dividerAfter !== null && !hasUnread(state) && seen ? Math.max(state.dividerAfter, messages.at(-1)?.seq ?? 0) : state.dividerAfter;
      const confirmed = new Set(action.messages.filter((m) => m.author.id === action.selfId).map((m) => m.clientId));
      const others = fresh.filter((m) => m.author.id !== action.selfId && !m.deleted);
      const last = others.at(-1);
      return {
        ...state,
        messages,
        dividerAfter,
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
    case "joined": {
      const next: RoomState = { ...state, room: action.data.room, you: action.data.you, presence: action.data.presence, joinError: null, connection: "online" };
      // The first join places the divider when the page did not (a re-join keeps it where it is).
      if (state.dividerAfter === null) next.dividerAfter = action.data.lastReadSeq;
      return next;
    }
    case "viewing":
      return state.viewing === action.value ? state : { ...state, viewing: action.value };
    case "joinFailed":
      return { ...state, joinError: action.message, connection: "online" };
    case "connection":
      return { ...state, connection: action.value };
    case "deleted":
      return {
        ...state,
        messages: state.messages.map((m) => (m.id === action.messageId ? { ...m, body: "", deleted: { at: action.at, byAuthor: action.byAuthor ?? false } } : m)),
        room: state.room.pinned?.id === action.messageId ? { ...state.room, pinned: null } : state.room,
      };
    case "room":
      return { ...state, room: action.room };
    case "you": {
      const next = { ...state, you: { ...state.you, ...action.you } };
      if (action.removed !== undefined) next.removed = action.removed;
      if (action.notice) {
        Object.assign(next, withNotice(state, action.notice));
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
      return { ...state, ...withNotice(state, action.message) };
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

export function initialRoomState(initial: RoomInitial): RoomState {
  return {
    messages: initial.messages,
    lastSeq: initial.messages.at(-1)?.seq ?? 0,
    hasOlder: initial.hasOlder,
    loadingOlder: false,
    pending: [],
    connection: "connecting",
    room: initial.room,
    you: initial.you,
    removed: null,
    presence: null,
    typing: [],
    announcement: "",
    notices: [],
    nextNoticeId: 1,
    joinError: null,
    dividerAfter: initial.lastReadSeq ?? null,
    viewing: false,
  };
}

/** "N new messages" for the divider and the one announcement on opening the room. */
export function unreadText(state: Pick<RoomState, "messages" | "dividerAfter">): string {
  const n = state.dividerAfter === null ? 0 : state.messages.filter((m) => m.seq > state.dividerAfter!).length;
  return n === 1 ? "1 new message" : `${n} new messages`;
}

/** The sends to put on the wire once the room is joined again: those written offline, oldest first. */
export function waitingSends(state: Pick<RoomState, "pending">): Pending[] {
  return state.pending.filter((p) => p.status === "waiting");
}

/** While muted, when the hook should next look: ask the server now (the mute ran out), or wait this long. */
export function muteCheck(mutedUntil: string, now: number): { askNow: true; retryMs: number } | { askNow: false; waitMs: number } {
  const left = Date.parse(mutedUntil) - now;
  // Ask again every few seconds until the server agrees (its clock may be a little behind).
  if (left <= 0) return { askNow: true, retryMs: 3000 };
  // setTimeout holds at most ~24.8 days; a mute can be longer, so wait in steps.
  return { askNow: false, waitMs: Math.min(left + 250, 2 ** 31 - 1) };
}
