import type { ChatMessage, ChatMessageEdited, ChatPresence, ChatReactionChanged, ChatRoomState, ChatYou, HistoryPage, RoomJoined } from "./events";
import { CHAT_REACTIONS } from "#app/lib/chat-wire";

/**
 * The client state machine of one chat room, with no React and no socket, so it is unit-tested
 * (tests/unit/room-state.test.ts); use-room.ts is the thin hook that feeds it socket events.
 * Messages are deduped by id and kept sorted by seq; `lastSeq` is the highest seq held without a
 * gap (the reconnect cursor). A pending send (keyed by its clientId) leaves exactly once: when
 * its message arrives, from the ack or the broadcast, whichever is first.
 * A permalink or a reply's quote can put a page around one message in place of the list ("around"):
 * then `hasNewer` is set, `lastSeq` is that page's top, and live messages beyond it wait for "Load
 * newer" or "Jump to latest" (no gap is ever shown; a re-join asks after `lastSeq`, page by page).
 */

export type Connection = "connecting" | "online" | "reconnecting" | "signed-out";
export interface Pending {
  clientId: string;
  body: string;
  /** The message this one replies to (kept for a retry). */
  replyToId?: string;
  /** waiting: written while offline, sent by itself once the room is joined again. */
  status: "waiting" | "sending" | "failed" | "held";
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
  /** Rendered around one message (?at=): newer messages exist beyond the page. */
  hasNewer?: boolean;
  /** The member's read position when the page was rendered (the divider's place). */
  lastReadSeq?: number;
  /** The member's own messages here that wait for a moderator's review (shown to them only). */
  held?: { clientId: string | null; body: string }[];
}

export interface RoomState {
  messages: ChatMessage[];
  lastSeq: number;
  hasOlder: boolean;
  /** The list is a page around one message and newer ones exist beyond it (not at the live end). */
  hasNewer: boolean;
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
  /** The list becomes this page (around one message, or the latest): `page.hasMore` says newer ones exist. */
  | { type: "around"; page: HistoryPage }
  /** Messages after the held top (Load newer, or a re-join while not at the live end). */
  | { type: "newer"; page: HistoryPage; selfId: string }
  | { type: "edited"; event: ChatMessageEdited }
  /**
   * A reaction's new count: the broadcast, or the reader's own ack (`ack`), which the broadcast
   * usually beats: once it has shown the change, a later count may be newer than the ack's.
   */
  | { type: "reaction"; event: ChatReactionChanged; selfId: string; ack?: boolean }
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

/**
 * A message held again (a broadcast: every `mine` is false there) keeps the reader's own reactions;
 * its counts are the newer ones.
 */
function keepMine(held: ChatMessage, next: ChatMessage): ChatMessage {
  if (!held.reactions.some((r) => r.mine)) return next;
  return { ...next, reactions: next.reactions.map((r) => ({ ...r, mine: held.reactions.find((h) => h.kind === r.kind)?.mine ?? r.mine })) };
}

/** The kind's count from the event; `mine` moves only when the reactor is the reader. Kinds stay in display order. */
function withReaction(m: ChatMessage, e: ChatReactionChanged, selfId: string): ChatMessage {
  const held = m.reactions.find((r) => r.kind === e.kind);
  const mine = e.userId === selfId ? e.reacted : (held?.mine ?? false);
  const rest = m.reactions.filter((r) => r.kind !== e.kind);
  const reactions = e.count > 0 ? [...rest, { kind: e.kind, count: e.count, mine }] : rest;
  return { ...m, reactions: reactions.sort((a, b) => CHAT_REACTIONS.indexOf(a.kind) - CHAT_REACTIONS.indexOf(b.kind)) };
}

/** The room's next state: pure (no React, no socket, no clock but the times actions carry). */
export function roomReducer(state: RoomState, action: RoomAction): RoomState {
  switch (action.type) {
    case "merge": {
      if (!action.messages.length) return state;
      const byId = new Map(state.messages.map((m) => [m.id, m]));
      const fresh: ChatMessage[] = [];
      // Not at the live end: what lands beyond the held top (with a gap) waits for Load newer.
      const incoming = state.hasNewer ? action.messages.filter((m) => byId.has(m.id) || m.seq <= state.lastSeq + 1) : action.messages;
      for (const m of incoming) {
        const held = byId.get(m.id);
        if (!held) fresh.push(m);
        byId.set(m.id, held ? keepMine(held, m) : m);
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
    case "around": {
      const messages = [...action.page.messages].sort((a, b) => a.seq - b.seq);
      const first = messages[0]?.seq;
      return {
        ...state,
        messages,
        hasOlder: action.page.hasOlder,
        hasNewer: action.page.hasMore,
        lastSeq: first === undefined ? state.lastSeq : contiguousTop(messages, first - 1),
        loadingOlder: false,
      };
    }
    case "newer": {
      const merged = roomReducer({ ...state, hasNewer: false }, { type: "merge", messages: action.page.messages, selfId: action.selfId, announce: false });
      return { ...merged, hasNewer: action.page.hasMore };
    }
    case "edited": {
      const e = action.event;
      const edit = (m: ChatMessage): ChatMessage => {
        if (m.id === e.messageId) return { ...m, body: e.body, editedAt: e.editedAt };
        // Replies quoting it show the new words (the server's excerpt is the first 160 characters).
        if (m.replyTo && !m.replyTo.missing && m.replyTo.id === e.messageId) return { ...m, replyTo: { ...m.replyTo, excerpt: e.body.slice(0, 160) } };
        return m;
      };
      return { ...state, messages: state.messages.map(edit), room: state.room.pinned ? { ...state.room, pinned: edit(state.room.pinned) } : state.room };
    }
    case "reaction": {
      const e = action.event;
      const shown = (m: ChatMessage) => action.ack === true && (m.reactions.find((r) => r.kind === e.kind)?.mine ?? false) === e.reacted;
      const react = (m: ChatMessage): ChatMessage => (m.id === e.messageId && !m.deleted && !shown(m) ? withReaction(m, e, action.selfId) : m);
      return { ...state, messages: state.messages.map(react), room: state.room.pinned ? { ...state.room, pinned: react(state.room.pinned) } : state.room };
    }
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
        messages: state.messages.map((m) =>
          m.id === action.messageId
            ? { ...m, body: "", reactions: [], voice: null, deleted: { at: action.at, byAuthor: action.byAuthor ?? false } }
            : m.replyTo && !m.replyTo.missing && m.replyTo.id === action.messageId
              ? { ...m, replyTo: { ...m.replyTo, excerpt: "", deleted: true } }
              : m,
        ),
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
    hasNewer: initial.hasNewer ?? false,
    loadingOlder: false,
    pending: (initial.held ?? []).map((h) => ({ clientId: h.clientId ?? "", body: h.body, status: "held" as const, error: null })),
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
