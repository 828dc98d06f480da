/** Typed Socket.IO event maps, shared by the server and the browser client. */
import type { ChatMessage, ChatNotice, ChatPresence, ChatRoomState, ChatSanction, ChatYou } from "#app/lib/chat-wire";

export type { ChatAuthor, ChatMessage, ChatNotice, ChatPresence, ChatRoomState, ChatSanction, ChatYou } from "#app/lib/chat-wire";

export type AckError = { code: string; message: string };
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckFn<T> = (response: Ack<T>) => void;

export interface WhoAmI {
  id: string;
  displayName: string;
}

export interface RoomJoined {
  room: ChatRoomState;
  you: ChatYou;
  group: { slug: string; name: string };
  /** Ascending by seq: the latest page, or everything after `after` (up to a page; `hasMore` → ask again). */
  messages: ChatMessage[];
  hasMore: boolean;
  hasOlder: boolean;
  presence: ChatPresence;
}

export interface HistoryPage {
  messages: ChatMessage[];
  hasMore: boolean;
  hasOlder: boolean;
}

export interface Sent {
  message: ChatMessage;
  /** True when this clientId was already stored: the same message, nothing re-broadcast. */
  duplicate: boolean;
  /** To the sender only: the message matched a crisis phrase (it was stored and broadcast as usual). */
  crisisPrompt?: true;
}

/**
 * Client → server. Every chat event takes one payload object (validated with Zod on the server)
 * and an ack that always answers {ok, data | error}.
 */
export interface ClientToServerEvents {
  whoami: (ack: AckFn<WhoAmI>) => void;
  "room:join": (payload: { roomId: string; after?: number }, ack: AckFn<RoomJoined>) => void;
  "room:leave": (payload: { roomId: string }, ack: AckFn<{ roomId: string }>) => void;
  "room:history": (payload: { roomId: string; before?: number; after?: number }, ack: AckFn<HistoryPage>) => void;
  "message:send": (payload: { roomId: string; body: string; clientId: string }, ack: AckFn<Sent>) => void;
  "message:delete": (payload: { messageId: string; reason: string }, ack: AckFn<{ roomId: string; messageId: string; alreadyDeleted: boolean }>) => void;
  "message:report": (
    payload: { messageId: string; reason: "spam" | "harassment" | "medical_misinformation" | "crisis" | "other"; details?: string },
    ack: AckFn<{ reportId: string }>,
  ) => void;
  typing: (payload: { roomId: string; typing: boolean }, ack: AckFn<null>) => void;
  "user:mute": (payload: { roomId: string; userId: string; minutes: number; reason: string }, ack: AckFn<{ userId: string; mutedUntil: string | null }>) => void;
  "user:ban": (payload: { roomId: string; userId: string; banned?: boolean; reason: string }, ack: AckFn<{ userId: string; banned: boolean }>) => void;
  "room:slow-mode": (payload: { roomId: string; seconds: number }, ack: AckFn<{ roomId: string }>) => void;
  "room:lock": (payload: { roomId: string; locked: boolean; reason?: string }, ack: AckFn<{ roomId: string }>) => void;
  "room:pin": (payload: { roomId: string; messageId: string | null }, ack: AckFn<{ roomId: string }>) => void;
}

export interface ServerToClientEvents {
  notice: (notice: ChatNotice | { message: string }) => void;
  "message:new": (message: ChatMessage) => void;
  "message:deleted": (event: { roomId: string; messageId: string; seq: number }) => void;
  presence: (presence: ChatPresence) => void;
  typing: (event: { roomId: string; user: { id: string; displayName: string }; typing: boolean }) => void;
  "room:updated": (room: ChatRoomState) => void;
  /** To the sanctioned person only: you were muted, unmuted, banned or let back in. */
  sanction: (sanction: ChatSanction) => void;
}

export const SOCKET_AUTH_ERROR = "unauthorized";
export const SOCKET_ORIGIN_ERROR = "forbidden origin";

/** Socket.IO room names, shared by the publisher and the handlers. */
export const channel = {
  session: (id: string) => `session:${id}`,
  user: (id: string) => `user:${id}`,
  room: (roomId: string) => `room:${roomId}`,
  /** One user's sockets in one room: presence asks whether it is empty when a socket leaves. */
  roomUser: (roomId: string, userId: string) => `room:${roomId}:user:${userId}`,
};
