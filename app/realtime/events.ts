/** Typed Socket.IO event maps, shared by the server and the browser client: one entry per event. */
import type { z } from "zod";
import type { LiveNotification } from "#app/modules/notifications/types";
import type { ChatMessage, ChatMessageEdited, ChatNotice, ChatPresence, ChatReactionChanged, ChatReactionKind, ChatRoomState, ChatSanction, ChatYou } from "#app/lib/chat-wire";
import {
  AroundSchema,
  BanSchema,
  DeleteMessageSchema,
  DeleteOwnMessageSchema,
  EditMessageSchema,
  MessageRefSchema,
  ReactSchema,
  HistorySchema,
  JoinRoomSchema,
  LockSchema,
  MuteSchema,
  PinSchema,
  ReportMessageSchema,
  RoomReadSchema,
  RoomRefSchema,
  SendMessageSchema,
  SlowModeSchema,
  TypingSchema,
} from "#app/modules/chat/chat.schema";

export type {
  ChatAuthor,
  ChatMessage,
  ChatMessageEdited,
  ChatNotice,
  ChatPresence,
  ChatReactionChanged,
  ChatReactionKind,
  ChatRoomState,
  ChatSanction,
  ChatYou,
} from "#app/lib/chat-wire";

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
  /** The room's group; null for a direct conversation. */
  group: { slug: string; name: string } | null;
  /** Ascending by seq: the latest page, or everything after `after` (up to a page; `hasMore` → ask again). */
  messages: ChatMessage[];
  hasMore: boolean;
  hasOlder: boolean;
  presence: ChatPresence;
  /** The member's read position when joining: the "New messages" divider goes before the first message after it. */
  lastReadSeq: number;
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

/** To the sender only: the message waits for a moderator's review (new-member review or a watched word); nothing was broadcast. */
export interface HeldSent {
  held: true;
  clientId: string;
  heldId: string;
  /** True when this clientId was already held: nothing new stored. */
  duplicate: boolean;
}

/** A phantom marker for an event's ack data type: types only, nothing at run time. */
export interface Returns<T> {
  readonly __returns?: [T];
}
const returns = <T>() => ({}) as Returns<T>;

/**
 * Client → server: the one list of events. Each entry names the payload's Zod schema (the server
 * parses with it; the client's payload type is its z.input) and the ack's data type. The socket
 * types below and the handler registration (chat-handlers.server.ts) are derived from it, so
 * adding an event is one entry here plus its handler, which the compiler then demands.
 * `schema: null`: the event takes no payload, only an ack.
 */
export const clientEvents = {
  whoami: { schema: null, result: returns<WhoAmI>() },
  "room:join": { schema: JoinRoomSchema, result: returns<RoomJoined>() },
  "room:leave": { schema: RoomRefSchema, result: returns<{ roomId: string }>() },
  "room:history": { schema: HistorySchema, result: returns<HistoryPage>() },
  /** A page around one seq: `hasMore` says newer messages follow (ask `after` the last). */
  "room:around": { schema: AroundSchema, result: returns<HistoryPage>() },
  "room:read": { schema: RoomReadSchema, result: returns<{ roomId: string; lastReadSeq: number }>() },
  "message:send": { schema: SendMessageSchema, result: returns<Sent | HeldSent>() },
  "message:delete": { schema: DeleteMessageSchema, result: returns<{ roomId: string; messageId: string; alreadyDeleted: boolean }>() },
  "message:report": { schema: ReportMessageSchema, result: returns<{ reportId: string }>() },
  /** `changed: false`: the same body again (nothing stored or broadcast). `crisisPrompt`: to the author only, as for a send. */
  "message:edit": { schema: EditMessageSchema, result: returns<ChatMessageEdited & { changed: boolean; crisisPrompt?: true }>() },
  "message:delete-own": { schema: DeleteOwnMessageSchema, result: returns<{ roomId: string; messageId: string; alreadyDeleted: boolean }>() },
  /** Moderators: the earlier bodies of an edited message, oldest first. */
  "message:versions": { schema: MessageRefSchema, result: returns<{ messageId: string; versions: { body: string; replacedAt: string }[] }>() },
  "message:react": { schema: ReactSchema, result: returns<{ messageId: string; kind: ChatReactionKind; count: number; reacted: boolean }>() },
  typing: { schema: TypingSchema, result: returns<null>() },
  "user:mute": { schema: MuteSchema, result: returns<{ userId: string; mutedUntil: string | null }>() },
  "user:ban": { schema: BanSchema, result: returns<{ userId: string; banned: boolean }>() },
  "room:slow-mode": { schema: SlowModeSchema, result: returns<{ roomId: string }>() },
  "room:lock": { schema: LockSchema, result: returns<{ roomId: string }>() },
  "room:pin": { schema: PinSchema, result: returns<{ roomId: string }>() },
} satisfies Record<string, { schema: z.ZodTypeAny | null; result: Returns<unknown> }>;

type ClientEvents = typeof clientEvents;
export type ClientEvent = keyof ClientEvents;
/** Events that carry a payload object (parsed with their schema). */
export type PayloadEvent = { [E in ClientEvent]: ClientEvents[E]["schema"] extends z.ZodTypeAny ? E : never }[ClientEvent];
type SchemaOf<E extends PayloadEvent> = Extract<ClientEvents[E]["schema"], z.ZodTypeAny>;
/** What a client may send (before parsing: defaults may be left out). */
export type PayloadIn<E extends PayloadEvent> = z.input<SchemaOf<E>>;
/** What a handler receives (after parsing: trimmed, defaults filled in). */
export type PayloadOut<E extends PayloadEvent> = z.output<SchemaOf<E>>;
/** The data of the event's ok ack. */
export type ResultOf<E extends ClientEvent> = ClientEvents[E]["result"] extends Returns<infer T> ? T : never;

/** Every client → server event takes one payload object (none for `whoami`) and an ack that always answers {ok, data | error}. */
export type ClientToServerEvents = {
  [E in ClientEvent]: E extends PayloadEvent
    ? (payload: PayloadIn<E>, ack: AckFn<ResultOf<E>>) => void
    : (ack: AckFn<ResultOf<E>>) => void;
};

export interface ServerToClientEvents {
  notice: (notice: ChatNotice | { message: string }) => void;
  "message:new": (message: ChatMessage) => void;
  "message:deleted": (event: { roomId: string; messageId: string; seq: number; byAuthor?: boolean }) => void;
  "message:edited": (event: ChatMessageEdited) => void;
  reaction: (event: ChatReactionChanged) => void;
  presence: (presence: ChatPresence) => void;
  typing: (event: { roomId: string; user: { id: string; displayName: string }; typing: boolean }) => void;
  "room:updated": (room: ChatRoomState) => void;
  /** To one member's tabs: a new notification (null: only the unread count changed, e.g. read elsewhere). */
  notification: (event: { notification: LiveNotification | null; unread: number }) => void;
  /** To the sanctioned person only: you were muted, unmuted, banned or let back in. */
  sanction: (sanction: ChatSanction) => void;
  /** To the member's own tabs: whom they block now (a block or unblock anywhere); open rooms collapse by it. */
  blocks: (event: { blockedIds: string[] }) => void;
  /** To a group's moderators' tabs: how many held items now wait in their whole queue (a hold, an approval or a rejection). */
  queue: (event: { held: number }) => void;
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
