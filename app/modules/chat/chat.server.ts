import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, sql, type SQL } from "drizzle-orm";
import { rowsOf } from "#app/lib/db-rows.server";
import { alias } from "drizzle-orm/pg-core";
import { chatMessages, chatReactions, chatRooms, chatRoomSanctions, groupMemberships, groups, heldContent, organizationMembers, organizations, roomReads, users, type ChatSystemData, type ChatVoice } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { CHAT_REACTIONS, type ChatMessage, type ChatReactionKind, type ChatRoomState, type ChatYou } from "#app/lib/chat-wire";
import { chatVoiceUrl } from "#app/lib/chat-links";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, DomainError, Invalid, isDomainError, NotFound, RateLimited, Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { countOf, minutesText, secondsText } from "#app/lib/plural";
import { assertCan, can, type Actor, type ChatTarget, type GroupTarget, type RoomTarget } from "#app/policy.server";
import { accessLost } from "#app/modules/groups/access.server";
import { findGroup } from "#app/modules/groups/groups.server";
import { groupStandingColumns, groupTargetOf, standingJoins, type StandingRow } from "#app/modules/groups/standing.server";
import { staffStanding } from "#app/modules/groups/staff-standing.server";
import type { StaffRole } from "#app/lib/staff-role";
import { auditContentAction, recordModerationAction } from "#app/modules/moderation/moderation.server";
import { announceNotices } from "#app/modules/notifications/notifications.server";
import { fileLimitedReport } from "#app/modules/moderation/report-rate.server";
import { revealHiddenMessages } from "#app/modules/moderation/auto-hide.server";
import { matchesCrisisPhrase } from "#app/modules/moderation/moderation.schema";
import { queueMentions } from "#app/modules/forums/mention-queue.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { blockedIdsOf } from "#app/modules/accounts/blocks.server";
import { CATCH_UP_PAGE, HISTORY_PAGE, muteChoices, SEND_RATE } from "./chat.schema";
import { lastReadSeqOf, roomReadJoin, unreadColumn } from "./reading.server";
import { directStandingColumns, directTargetOf } from "./direct-standing.server";
import { gateChatSend, type HeldSend } from "#app/modules/safety/chat-gate.server";
import { publishedCountSql, screenChatText, type Screening, type ScreeningContext } from "#app/modules/safety/screen.server";
import { watchedWordsJsonSql } from "#app/modules/safety/watched.server";
import { sendStates, type SendState } from "./send-state.server";
import { fileWatchedFlag } from "#app/modules/safety/flags.server";
import { groupCommit } from "#app/lib/group-commit.server";

/**
 * Chat rooms: history, sending (persist, then publish, then the caller acks), moderation and room
 * management. Every function takes the AppContext and the acting viewer, asks the policy, and tells
 * live clients through `app.realtime.chat` only after its transaction has committed.
 */

/** Who is acting: the signed-in viewer (loaders and sockets have a display name too). */
export type ChatActor = Actor & { displayName?: string };

const ROOM = "That room";
const SEND_RATE_MESSAGE = "You are sending messages very quickly. Please wait a few seconds.";
const MESSAGE = "That message";

// ── loading ───────────────────────────────────────────────────────────────────────────────────

/** A room as one actor sees it: its settings, its group (none for a direct conversation), and the policy target. */
export async function loadRoom(app: AppContext, actor: Actor | null, roomId: string) {
  const [row] = await app.db
    .select({
      id: chatRooms.id,
      groupId: chatRooms.groupId,
      groupSlug: groups.slug,
      name: chatRooms.name,
      slowModeSeconds: chatRooms.slowModeSeconds,
      locked: chatRooms.locked,
      archivedAt: chatRooms.archivedAt,
      pinnedMessageId: chatRooms.pinnedMessageId,
      retentionDays: chatRooms.retentionDays,
      lastSeq: chatRooms.lastSeq,
      mutedUntil: chatRoomSanctions.mutedUntil,
      bannedAt: chatRoomSanctions.bannedAt,
      ...directStandingColumns(actor?.id ?? ""),
    })
    .from(chatRooms)
    .leftJoin(groups, eq(groups.id, chatRooms.groupId))
    .leftJoin(chatRoomSanctions, and(eq(chatRoomSanctions.roomId, chatRooms.id), eq(chatRoomSanctions.userId, actor?.id ?? "")))
    .where(eq(chatRooms.id, roomId))
    .limit(1);
  if (!row) throw NotFound(ROOM);
  if (row.kind === "direct" || row.groupId === null || row.groupSlug === null) {
    return { ...row, kind: "direct" as const, groupId: null, groupSlug: null, group: null, target: directTargetOf(row) };
  }
  const group = await findGroup(app, actor, row.groupSlug);
  const target: RoomTarget = {
    ...group.target,
    room: { locked: row.locked, archived: row.archivedAt !== null },
    sanction: row.mutedUntil || row.bannedAt ? { mutedUntil: row.mutedUntil, banned: row.bannedAt !== null } : null,
  };
  return { ...row, kind: "group" as const, groupId: row.groupId, groupSlug: row.groupSlug, group, target };
}
export type LoadedRoom = Awaited<ReturnType<typeof loadRoom>>;
/** A group's room (moderation and room management apply to these only). */
export type GroupRoom = Extract<LoadedRoom, { kind: "group" }>;

/** Moderation and room management: a direct conversation has no moderators, so for them it doesn't exist. */
export function groupRoomOnly<R extends { kind: "group" | "direct" }>(room: R, what = ROOM): Extract<R, { kind: "group" }> {
  if (room.kind !== "group") throw NotFound(what);
  return room as Extract<R, { kind: "group" }>;
}

/**
 * The lean twin of loadRoom for the send path (the hot one): the same target from one query,
 * the viewer's standing joined onto the room, without the group page's view (counts, permissions).
 * Reactions use it too (another per-message hot path).
 */
export async function loadRoomForSend(app: AppContext, actor: Actor, roomId: string) {
  const on = standingJoins(actor.id);
  const [row] = await app.db
    .select(sendRoomColumns(actor.id))
    .from(chatRooms)
    .leftJoin(groups, eq(groups.id, chatRooms.groupId))
    .leftJoin(chatRoomSanctions, and(eq(chatRoomSanctions.roomId, chatRooms.id), eq(chatRoomSanctions.userId, actor.id)))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(eq(chatRooms.id, roomId))
    .limit(1);
  if (!row) throw NotFound(ROOM);
  return sendRoomOf(row);
}

/** The columns loadRoomForSend selects (the send path's one statement reads them too: send-state.server.ts). */
export function sendRoomColumns(actorId: string | SQL) {
  return {
    id: chatRooms.id,
    groupId: chatRooms.groupId,
    slowModeSeconds: chatRooms.slowModeSeconds,
    locked: chatRooms.locked,
    archivedAt: chatRooms.archivedAt,
    roomMutedUntil: chatRoomSanctions.mutedUntil,
    bannedAt: chatRoomSanctions.bannedAt,
    ...groupStandingColumns,
    ...directStandingColumns(actorId),
  };
}

type SendRoomRow = {
  id: string;
  groupId: string | null;
  slowModeSeconds: number;
  locked: boolean;
  archivedAt: Date | null;
  roomMutedUntil: Date | null;
  bannedAt: Date | null;
  kind: "group" | "direct";
  participant: boolean;
  blocked: boolean;
  visibility: GroupTarget["visibility"] | null;
  joinPolicy: GroupTarget["joinPolicy"] | null;
  forumPublic: boolean | null;
} & StandingRow;

/** A room row selected with sendRoomColumns as the send path uses it: its settings and the policy target. */
export function sendRoomOf(row: SendRoomRow) {
  const { visibility, joinPolicy } = row;
  const target: ChatTarget =
    row.kind === "direct" || !visibility || !joinPolicy
      ? directTargetOf(row)
      : {
          ...groupTargetOf({ ...row, visibility, joinPolicy, forumPublic: row.forumPublic ?? false }),
          room: { locked: row.locked, archived: row.archivedAt !== null },
          sanction: row.roomMutedUntil || row.bannedAt ? { mutedUntil: row.roomMutedUntil, banned: row.bannedAt !== null } : null,
        };
  return { id: row.id, groupId: row.groupId, slowModeSeconds: row.slowModeSeconds, target };
}

export function requireActor(actor: ChatActor | null): ChatActor {
  if (!actor) throw Unauthenticated();
  return actor;
}

const replied = alias(chatMessages, "replied");
const repliedAuthor = alias(users, "replied_author");

/** A chat message's forum-thread address (system lines and moved messages link to it). */
const threadHref = (groupSlug: string | null, threadId: string) => (groupSlug ? `/groups/${groupSlug}/forum/${threadId}` : "#");

/**
 * The reactions on the outer query's message, per kind, with whether `viewerId` gave it: one
 * correlated subquery, so a page of history reads its reactions in the page's own query.
 */
function reactionsColumn(viewerId: string | null) {
  return sql<{ kind: ChatReactionKind; count: number; mine: boolean }[]>`coalesce((
    select json_agg(json_build_object('kind', r.kind, 'count', r.n, 'mine', r.mine))
    from (
      select cr.kind, count(*)::int as n, coalesce(bool_or(cr.user_id = ${viewerId}), false) as mine
      from ${chatReactions} cr where cr.message_id = ${chatMessages.id} group by cr.kind
    ) r
  ), '[]'::json)`;
}

function messageColumns(viewerId: string | null) {
  return {
    id: chatMessages.id,
    roomId: chatMessages.roomId,
    seq: chatMessages.seq,
    kind: chatMessages.kind,
    authorId: chatMessages.authorId,
    authorName: users.displayName,
    authorStaff: staffStanding(chatRooms.groupId, chatMessages.authorId),
    body: chatMessages.body,
    clientId: chatMessages.clientId,
    createdAt: chatMessages.createdAt,
    editedAt: chatMessages.editedAt,
    deletedAt: chatMessages.deletedAt,
    deletedBy: chatMessages.deletedBy,
    hiddenAt: chatMessages.hiddenAt,
    replyToId: chatMessages.replyToId,
    replySeq: replied.seq,
    replyAuthorName: repliedAuthor.displayName,
    replyExcerpt: sql<string | null>`left(${replied.body}, 160)`,
    replyDeletedAt: replied.deletedAt,
    replyHiddenAt: replied.hiddenAt,
    reactions: reactionsColumn(viewerId),
    voice: chatMessages.voice,
    system: chatMessages.system,
    movedToThreadId: chatMessages.movedToThreadId,
    groupSlug: groups.slug,
  };
}
export type MessageRow = {
  id: string;
  roomId: string;
  seq: number;
  kind: "text" | "voice" | "system";
  authorId: string;
  authorName: string;
  authorStaff: StaffRole | null;
  body: string;
  clientId: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  deletedBy: string | null;
  hiddenAt: Date | null;
  replyToId: string | null;
  replySeq: number | null;
  replyAuthorName: string | null;
  replyExcerpt: string | null;
  replyDeletedAt: Date | null;
  replyHiddenAt: Date | null;
  reactions: { kind: ChatReactionKind; count: number; mine: boolean }[] | null;
  voice: ChatVoice | null;
  system: ChatSystemData | null;
  movedToThreadId: string | null;
  groupSlug: string | null;
};

/** The parts of a row that a message just inserted has (nothing edited, reacted to or moved yet). */
const freshMessage = {
  kind: "text",
  editedAt: null,
  deletedAt: null,
  deletedBy: null,
  hiddenAt: null,
  replyToId: null,
  replySeq: null,
  replyAuthorName: null,
  replyExcerpt: null,
  replyDeletedAt: null,
  replyHiddenAt: null,
  reactions: [],
  voice: null,
  system: null,
  movedToThreadId: null,
  groupSlug: null,
} satisfies Partial<MessageRow>;

/**
 * The wire shape. A deleted message never carries its body (or its voice note) again; an auto-hidden
 * one doesn't either (moderators get it back through revealHiddenMessages, auto-hide.server.ts).
 */
export function toChatMessage(r: MessageRow): ChatMessage {
  const deleted = r.deletedAt !== null;
  const hidden = !deleted && r.hiddenAt !== null;
  let replyTo: ChatMessage["replyTo"] = null;
  if (r.replyToId) {
    replyTo =
      r.replySeq === null
        ? { id: r.replyToId, missing: true }
        : {
            id: r.replyToId,
            seq: Number(r.replySeq),
            authorName: r.replyAuthorName ?? "Someone",
            excerpt: r.replyDeletedAt || r.replyHiddenAt ? "" : (r.replyExcerpt ?? ""),
            deleted: r.replyDeletedAt !== null,
          };
  }
  const order = (k: ChatReactionKind) => CHAT_REACTIONS.indexOf(k);
  return {
    id: r.id,
    roomId: r.roomId,
    seq: Number(r.seq),
    kind: r.kind,
    author: { id: r.authorId, displayName: r.authorName, staff: r.authorStaff ?? null },
    body: deleted || hidden ? "" : r.body,
    clientId: r.clientId,
    createdAt: r.createdAt.toISOString(),
    editedAt: r.editedAt ? r.editedAt.toISOString() : null,
    deleted: deleted ? { at: r.deletedAt!.toISOString(), byAuthor: r.deletedBy === r.authorId } : null,
    replyTo,
    reactions: deleted ? [] : [...(r.reactions ?? [])].sort((a, b) => order(a.kind) - order(b.kind)),
    voice: r.voice && !deleted && !hidden ? { url: chatVoiceUrl(r.id), durationMs: r.voice.durationMs } : null,
    system: r.system ? { type: r.system.type, href: threadHref(r.groupSlug, r.system.threadId), title: r.system.title, messageCount: r.system.messageCount } : null,
    movedTo: r.movedToThreadId ? { href: threadHref(r.groupSlug, r.movedToThreadId) } : null,
    hidden,
  };
}

/**
 * Messages with everything their wire shape shows. `viewerId` marks the reader's own reactions
 * (null for broadcasts: every client keeps its own `mine`). Direct conversations have no group:
 * the group join is a left join.
 */
export function selectMessages(app: AppContext, viewerId: string | null = null) {
  return app.db
    .select(messageColumns(viewerId))
    .from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.authorId))
    .innerJoin(chatRooms, eq(chatRooms.id, chatMessages.roomId))
    .leftJoin(groups, eq(groups.id, chatRooms.groupId))
    .leftJoin(replied, eq(replied.id, chatMessages.replyToId))
    .leftJoin(repliedAuthor, eq(repliedAuthor.id, replied.authorId));
}

export async function findMessage(app: AppContext, messageId: string) {
  const [row] = await selectMessages(app).where(eq(chatMessages.id, messageId)).limit(1);
  return row ?? null;
}

async function roomState(app: AppContext, room: Pick<LoadedRoom, "id" | "name" | "locked" | "archivedAt" | "slowModeSeconds" | "pinnedMessageId" | "retentionDays">): Promise<ChatRoomState> {
  const pinned = room.pinnedMessageId ? await findMessage(app, room.pinnedMessageId) : null;
  return {
    id: room.id,
    name: room.name,
    locked: room.locked,
    archived: room.archivedAt !== null,
    slowModeSeconds: room.slowModeSeconds,
    pinned: pinned && !pinned.deletedAt ? toChatMessage(pinned) : null,
    retentionDays: room.retentionDays,
  };
}

/** What this actor may do in the room, and in words why not. */
export function youIn(actor: Actor | null, target: ChatTarget): ChatYou {
  const canSend = can(actor, "chat.send", target);
  let reason: string | null = null;
  if (!canSend) {
    try {
      assertCan(actor, "chat.send", target, ROOM);
    } catch (e) {
      reason = isDomainError(e) ? e.message : "You can't send messages here.";
    }
  }
  // The later of a room mute and a group mute still running: when it ends, the page asks again.
  // Nobody moderates (or mutes anyone in) a direct conversation.
  if ("kind" in target) return { canSend, sendBlockedReason: reason, mutedUntil: null, canModerate: false };
  const ends = [target.sanction?.mutedUntil, target.membership?.mutedUntil].filter((d): d is Date => !!d && d.getTime() > Date.now());
  const muted = ends.length ? new Date(Math.max(...ends.map((d) => d.getTime()))) : null;
  return { canSend, sendBlockedReason: reason, mutedUntil: muted ? muted.toISOString() : null, canModerate: can(actor, "chat.moderate", target) };
}

// ── reading ───────────────────────────────────────────────────────────────────────────────────

/**
 * Messages of one room by seq: the latest page (no cursor), older ones (`before`), or every
 * message after the client's last seen seq (`after`, the reconnect catch-up; `hasMore` → ask again).
 */
export async function listMessages(app: AppContext, roomId: string, opts: { before?: number; after?: number } = {}, viewerId: string | null = null) {
  if (opts.after !== undefined) {
    const rows = await selectMessages(app, viewerId)
      .where(and(eq(chatMessages.roomId, roomId), gt(chatMessages.seq, opts.after)))
      .orderBy(asc(chatMessages.seq))
      .limit(CATCH_UP_PAGE + 1);
    return { messages: rows.slice(0, CATCH_UP_PAGE).map(toChatMessage), hasMore: rows.length > CATCH_UP_PAGE, hasOlder: opts.after > 0 };
  }
  const rows = await selectMessages(app, viewerId)
    .where(and(eq(chatMessages.roomId, roomId), opts.before !== undefined ? lt(chatMessages.seq, opts.before) : undefined))
    .orderBy(desc(chatMessages.seq))
    .limit(HISTORY_PAGE + 1);
  const page = rows.slice(0, HISTORY_PAGE).reverse().map(toChatMessage);
  return { messages: page, hasMore: false, hasOlder: rows.length > HISTORY_PAGE };
}

/**
 * A page of up to HISTORY_PAGE messages centred on `seq` (a permalink, a reply's older original):
 * half at or before it, the rest after. `hasMore`: newer messages follow (ask `after` the last);
 * a seq beyond the end gives the latest page.
 */
export async function listAround(app: AppContext, roomId: string, seq: number, viewerId: string | null = null) {
  const before = Math.ceil(HISTORY_PAGE / 2);
  const after = HISTORY_PAGE - before;
  const [older, newer] = await Promise.all([
    selectMessages(app, viewerId)
      .where(and(eq(chatMessages.roomId, roomId), lte(chatMessages.seq, seq)))
      .orderBy(desc(chatMessages.seq))
      .limit(before + 1),
    selectMessages(app, viewerId)
      .where(and(eq(chatMessages.roomId, roomId), gt(chatMessages.seq, seq)))
      .orderBy(asc(chatMessages.seq))
      .limit(after + 1),
  ]);
  const messages = [...older.slice(0, before).reverse(), ...newer.slice(0, after)].map(toChatMessage);
  return { messages, hasMore: newer.length > after, hasOlder: older.length > before };
}

/** `room:around`: the page around one message, for someone who may read the room. */
export async function roomAround(app: AppContext, actor: Actor | null, input: { roomId: string; seq: number }) {
  const room = await loadRoom(app, actor, input.roomId);
  assertCan(actor, "chat.read", room.target, ROOM);
  const page = await listAround(app, room.id, input.seq, actor?.id ?? null);
  return { ...page, messages: await revealHiddenMessages(app.db, page.messages, youIn(actor, room.target).canModerate) };
}

/**
 * Opening a room (page loader or `room:join`): the room, the viewer's standing, and history: the
 * latest page, what follows `after`, or (a permalink, loader only) the page around `at`.
 */
export async function openRoom(app: AppContext, actor: Actor | null, input: { roomId: string; after?: number; at?: number }) {
  const room = await loadRoom(app, actor, input.roomId);
  assertCan(actor, "chat.read", room.target, ROOM);
  const [state, history, lastReadSeq, blockedIds] = await Promise.all([
    roomState(app, room),
    input.at !== undefined ? listAround(app, room.id, input.at, actor?.id ?? null) : listMessages(app, room.id, { after: input.after }, actor?.id ?? null),
    lastReadSeqOf(app, actor?.id, room),
    blockedIdsOf(app, actor?.id),
  ]);
  const you = youIn(actor, room.target);
  const messages = await revealHiddenMessages(app.db, history.messages, you.canModerate);
  // The client collapses these authors' messages (live ones too). Moderators see what they moderate: nothing collapses.
  return { room: state, you: { ...you, blockedIds: you.canModerate ? [] : blockedIds }, group: room.group ? { slug: room.group.slug, name: room.group.name } : null, ...history, messages, lastReadSeq };
}

export async function roomHistory(app: AppContext, actor: Actor | null, input: { roomId: string; before?: number; after?: number }) {
  const room = await loadRoom(app, actor, input.roomId);
  assertCan(actor, "chat.read", room.target, ROOM);
  const page = await listMessages(app, room.id, input, actor?.id ?? null);
  return { ...page, messages: await revealHiddenMessages(app.db, page.messages, youIn(actor, room.target).canModerate) };
}

/** Rooms of a group for its chat page. Archived rooms are listed for moderators only. */
export async function listRooms(app: AppContext, actor: Actor | null, slug: string) {
  const group = await findGroup(app, actor, slug);
  assertCan(actor, "group.view", group.target);
  const manage = can(actor, "chat.manageRooms", group.target);
  const rows = await app.db
    .select({ id: chatRooms.id, name: chatRooms.name, archivedAt: chatRooms.archivedAt, locked: chatRooms.locked, retentionDays: chatRooms.retentionDays, lastSeq: chatRooms.lastSeq, unread: unreadColumn(), mutedUntil: chatRoomSanctions.mutedUntil, bannedAt: chatRoomSanctions.bannedAt })
    .from(chatRooms)
    // The viewer's sanction and reading state in the same query: one query for the list, however many rooms.
    .leftJoin(chatRoomSanctions, and(eq(chatRoomSanctions.roomId, chatRooms.id), eq(chatRoomSanctions.userId, actor?.id ?? "")))
    .leftJoin(roomReads, roomReadJoin(actor?.id ?? ""))
    .where(and(eq(chatRooms.groupId, group.id), manage ? undefined : isNull(chatRooms.archivedAt)))
    .orderBy(asc(chatRooms.createdAt), asc(chatRooms.id))
    .limit(100);
  const rooms = rows.map((r) => {
    const sanction = r.mutedUntil || r.bannedAt ? { mutedUntil: r.mutedUntil, banned: r.bannedAt !== null } : null;
    const target: RoomTarget = { ...group.target, room: { locked: r.locked, archived: r.archivedAt !== null }, sanction };
    const canOpen = can(actor, "chat.read", target);
    // Unread counts only for someone who may read the room (a visitor or outsider sees none).
    return { id: r.id, name: r.name, archived: r.archivedAt !== null, locked: r.locked, retentionDays: r.retentionDays, messageCount: Number(r.lastSeq), canOpen, unread: canOpen && actor ? Number(r.unread) : 0 };
  });
  return { group, rooms, permissions: { manageRooms: manage, setRetention: can(actor, "chat.setRetention", group.target) } };
}

// ── sending ───────────────────────────────────────────────────────────────────────────────────

async function findByClientId(app: AppContext, authorId: string, clientId: string) {
  const [row] = await selectMessages(app)
    .where(and(eq(chatMessages.authorId, authorId), eq(chatMessages.clientId, clientId)))
    .limit(1);
  return row ?? null;
}

function duplicateOf(row: MessageRow, roomId: string) {
  if (row.roomId !== roomId) throw Conflict("That clientId was already used for a message in another room.");
  return { message: toChatMessage(row), duplicate: true, ...crisisFlag(row.body) };
}

/** For the sender's ack only (never broadcast): the message matched a crisis phrase, so show the gentle "Get help now" prompt. */
function crisisFlag(body: string): { crisisPrompt?: true } {
  return matchesCrisisPhrase(body) ? { crisisPrompt: true } : {};
}

/**
 * Persist, then publish; the caller acks with the result. Idempotent on (author, clientId): a retry
 * returns the stored message with `duplicate: true` and publishes nothing. The message's seq comes
 * from bumping chat_rooms.last_seq inside the inserting transaction, so seqs commit in order.
 */
export async function sendMessage(app: AppContext, viewer: ChatActor | null, input: { roomId: string; body: string; clientId: string; replyToId?: string; confirmedPersonal?: boolean }): Promise<SendResult> {
  const sent = await submitMessage(app, viewer, input);
  if ("held" in sent) throw Conflict("This message is waiting for a moderator's review, so it isn't in the room yet.");
  return sent;
}

type SendInput = { roomId: string; body: string; clientId: string; replyToId?: string; confirmedPersonal?: boolean };
type SendRoom = ReturnType<typeof sendRoomOf>;
type SendScreen = Omit<ScreeningContext, "held">;
/** At most this many statements on the fast path (a state that keeps changing under it goes the full way). */
const SEND_ATTEMPTS = 3;

/**
 * sendMessage through the safety gate as the socket's message:send uses it: a held message answers
 * `{ held: true, clientId }`. The hot path: once this node has seen the room and the sender, one
 * statement per message (sendStatement; why: docs/decisions/0025-chat-send-state-checked-in-the-insert.md),
 * shared with the room's other sends that wait for it (sendsOf; docs/decisions/0029-chat-sends-group-commit.md).
 * Whatever the cached copy does not simply allow (a refusal, a hold, a question, the send rate) takes
 * the full path, which reads everything afresh.
 */
export async function submitMessage(app: AppContext, viewer: ChatActor | null, input: SendInput): Promise<SendResult | HeldSend> {
  const actor = requireActor(viewer);
  const states = sendStates<SendRoom, SendScreen>(app);
  let state = states.get(input.roomId, actor.id);
  let limited = false;
  let reply: ReplyQuote | undefined;
  for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
    const check = state ? quickCheck(actor, state, input) : undefined;
    if (check === null) return fullSend(app, actor, input);
    if (check && !limited) {
      try {
        await app.limiter.hit(`chat:send:${actor.id}`, { ...SEND_RATE, message: SEND_RATE_MESSAGE });
      } catch {
        return fullSend(app, actor, input); // a retry of a stored message is answered before the limit there
      }
      limited = true;
    }
    if (check && input.replyToId) reply ??= await replyQuote(app, input.roomId, input.replyToId);
    const m = { id: newId(), roomId: input.roomId, groupId: state?.room.groupId ?? null, authorId: actor.id, body: input.body, clientId: input.clientId, kind: "text" as const, replyToId: reply?.replyToId ?? null };
    let r: SendOutcome;
    try {
      r = await sendsOf(app)(input.roomId, { m, stamp: check ? state!.stamp : "", slowSeconds: check?.slowSeconds ?? 0 });
    } catch (e) {
      return raceWinner(app, e, actor.id, input.clientId, input.roomId);
    }
    if (r.existing) {
      const stored = await findByClientId(app, actor.id, input.clientId);
      if (stored) return duplicateOf(stored, input.roomId);
    }
    if (r.held) {
      if (r.held.roomId !== input.roomId) throw Conflict("That clientId was already used for a message in another room.");
      return { held: true, clientId: input.clientId, heldId: r.held.id, duplicate: true };
    }
    if (!r.state) throw NotFound(ROOM);
    const stampMatched = check !== undefined && r.state.stamp === state!.stamp;
    state = r.state;
    states.set(input.roomId, actor.id, state);
    if (r.inserted && check) {
      const sent = await publishStored(app, actor, state.room, m, r.inserted, reply);
      if (state.room.groupId) await fileWatchedFlag(app.db, check.screening, { targetType: "chat_message", targetId: sent.message.id, groupId: state.room.groupId });
      return sent;
    }
    if (stampMatched && check && r.lastAt) throw slowModeRefusal(state.room.slowModeSeconds, r.lastAt.getTime() + check.slowSeconds * 1000 - Date.now());
    // The state changed since this node last looked (or it never had): decide again from the fresh copy.
  }
  return fullSend(app, actor, input);
}

/**
 * What the cached state says of this send without a query: null unless it is simply allowed (the
 * policy, and the gate's verdict "publish"); otherwise the slow-mode interval that applies to it.
 */
function quickCheck(actor: ChatActor, state: SendState<SendRoom, SendScreen>, input: SendInput) {
  const { target, groupId, slowModeSeconds } = state.room;
  if (!can(actor, "chat.send", target)) return null;
  let screening: Screening | null = null;
  if (groupId !== null && !("kind" in target)) {
    try {
      screening = screenChatText(state.screen, { actor, target, body: input.body, confirmedPersonal: input.confirmedPersonal });
    } catch {
      return null; // a blocked word or the personal-data question: the full path answers from fresh rows
    }
    if (screening.verdict === "hold") return null;
  }
  const slowSeconds = slowModeSeconds > 0 && !("visibility" in target && can(actor, "chat.moderate", target)) ? slowModeSeconds : 0;
  return { screening, slowSeconds };
}

/** One fast-path send as sendStatement takes it: the message, the stamp its caller decided on, and its slow-mode interval. */
type QuickSend = { m: Parameters<typeof insertMessage>[1] & { kind: "text" }; stamp: string; slowSeconds: number };
type SendOutcome = Awaited<ReturnType<typeof sendStatement>>[number];

/**
 * This node's sends, one room at a time (group commit: app/lib/group-commit.server.ts): the sends
 * that wait for a room's running statement go together in the next one. Two by the same sender go
 * in separate statements when slow mode applies (the check reads committed rows) or they share a
 * clientId (a retry: the second is answered as the first's duplicate).
 */
const sendQueues = new WeakMap<object, (roomId: string, send: QuickSend) => Promise<SendOutcome>>();
/** One queue per database handle (a node has one): its statements run on that handle. */
function sendsOf(app: AppContext) {
  let queue = sendQueues.get(app.db);
  if (!queue) {
    queue = groupCommit((roomId, sends: QuickSend[]) => sendStatement(app, roomId, sends), {
      max: 64,
      fits: (batch, next) => !batch.some((b) => b.m.authorId === next.m.authorId && (next.slowSeconds > 0 || b.m.clientId === next.m.clientId)),
    });
    sendQueues.set(app.db, queue);
  }
  return queue;
}

/**
 * The send path's one statement, for one or more sends to one room. For each it reads the room's
 * settings, the sender's standing and the gate's context as one jsonb value and its md5 (`stamp`),
 * the clientId's stored or held message, and the sender's last message here when slow mode applies;
 * the sends whose stamp is the one their caller decided on, whose clientId is new and that slow mode
 * allows are numbered and inserted (insertCtes). Returns all of it per send, in order, so a caller
 * whose copy was stale decides again without another read.
 */
async function sendStatement(app: AppContext, roomId: string, sends: QuickSend[]) {
  const author = sql`i.author_id`;
  const on = standingJoins(author);
  const fields = {
    ...sendRoomColumns(author),
    holds: sql`coalesce(${organizations.newMemberHolds}, 0)`,
    published: publishedCountSql(author, sql`${organizations.id}`, sql`coalesce(${organizations.newMemberHolds}, 0)`),
    words: watchedWordsJsonSql(sql`${organizations.id}`),
  };
  // Keys are this object's own property names, so raw is safe.
  const pairs = sql.join(Object.entries(fields).map(([k, v]) => sql`${sql.raw(`'${k}'`)}, ${v}`), sql`, `);
  const values = sql.join(
    sends.map(({ m, stamp, slowSeconds }, ord) => sql`(${ord}::int, ${m.id}::text, ${m.authorId}::text, ${m.body}::text, ${m.clientId}::text, ${m.replyToId ?? null}::text, ${stamp}::text, ${slowSeconds}::int)`),
    sql`, `,
  );
  // Only a send whose stamp matched can be inserted, and its stamp says which room (and group) it is.
  const groupId = sends.find((x) => x.stamp)?.m.groupId ?? null;
  const result = await app.db.execute(sql`
    with i as (
      select * from (values ${values}) v (ord, id, author_id, body, client_id, reply_to_id, stamp, slow_seconds)
    ), state as (
      select i.ord, jsonb_build_object(${pairs}) as s from i
        join ${chatRooms} on ${chatRooms.id} = ${roomId}
        left join ${groups} on ${eq(groups.id, chatRooms.groupId)}
        left join ${organizations} on ${eq(organizations.id, groups.organizationId)}
        left join ${chatRoomSanctions} on ${and(eq(chatRoomSanctions.roomId, chatRooms.id), eq(chatRoomSanctions.userId, author))}
        left join ${groupMemberships} on ${on.membership}
        left join ${organizationMembers} on ${on.orgRole}
    ), checked as (
      select i.*, state.s, md5(state.s::text) as stamp_now,
        exists (select 1 from ${chatMessages} em where em.author_id = i.author_id and em.client_id = i.client_id) as existing,
        (select json_build_object('id', h.id, 'roomId', h.room_id) from ${heldContent} h
          where h.author_id = i.author_id and h.kind = 'chat_message' and h.payload->>'clientId' = i.client_id limit 1) as held,
        (select lm.created_at from ${chatMessages} lm
          where i.slow_seconds > 0 and lm.room_id = ${roomId} and lm.author_id = i.author_id order by lm.seq desc limit 1) as last_at
      from i left join state on state.ord = i.ord
    ), accepted as (
      select ord, id, author_id, body, client_id, 'text'::chat_message_kind as kind, null::jsonb as voice, null::jsonb as system, reply_to_id from checked
      where stamp_now = stamp and not existing and held is null and (last_at is null or last_at <= now() - make_interval(secs => slow_seconds))
    ), ${insertCtes(roomId, groupId, sql`accepted`)}
    select checked.ord, checked.s::text as state, checked.stamp_now as stamp, checked.existing, checked.held, checked.last_at,
      inserted.seq, inserted.created_at, inserted.author_staff
    from checked left join inserted on inserted.id = checked.id order by checked.ord`);
  const rows = rowsOf<InsertedRow & { state: string | null; stamp: string | null; existing: boolean; held: { id: string; roomId: string | null } | string | null; last_at: Date | string | null }>(result);
  return rows.map((row) => {
    const held = typeof row.held === "string" ? (JSON.parse(row.held) as { id: string; roomId: string | null }) : row.held;
    return {
      state: row.state && row.stamp ? sendStateOf(row.state, row.stamp) : null,
      existing: row.existing,
      held,
      lastAt: row.last_at === null ? null : new Date(row.last_at),
      inserted: row.seq === null || row.seq === undefined ? null : insertedOf(row),
    };
  });
}

/** The jsonb text sendStatement read, as the policy and the gate take it (timestamps back to Dates). */
function sendStateOf(text: string, stamp: string): SendState<SendRoom, SendScreen> {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const date = (v: unknown) => (typeof v === "string" ? new Date(v) : null);
  const row = { ...raw, archivedAt: date(raw.archivedAt), roomMutedUntil: date(raw.roomMutedUntil), bannedAt: date(raw.bannedAt), mutedUntil: date(raw.mutedUntil) } as Parameters<typeof sendRoomOf>[0];
  return { stamp, room: sendRoomOf(row), screen: { holds: Number(raw.holds), published: Number(raw.published), words: raw.words as SendScreen["words"] } };
}

function slowModeRefusal(seconds: number, waitMs: number) {
  const wait = Math.max(1, Math.ceil(waitMs / 1000));
  return RateLimited(`Slow mode is on: one message every ${secondsText(seconds)}. You can send again in ${countOf(wait, "second")}.`, wait);
}

/** The full path: every check from fresh rows (a few round trips), for whatever the fast path does not simply allow. */
async function fullSend(app: AppContext, viewer: ChatActor, input: SendInput): Promise<SendResult | HeldSend> {
  const prepared = await prepareSend(app, viewer, input);
  if ("duplicate" in prepared) return prepared.duplicate;
  // The safety gate: a held message is acked to its sender only ({ held: true }) and stored for a moderator.
  const gate = await gateChatSend(app, prepared.send, input);
  if ("held" in gate) return gate.held;
  const reply = input.replyToId ? await replyQuote(app, prepared.send.room.id, input.replyToId) : undefined;
  const sent = await commitSend(app, prepared.send, { ...input, reply });
  if (!sent.duplicate && prepared.send.room.groupId) await fileWatchedFlag(app.db, gate.screening, { targetType: "chat_message", targetId: sent.message.id, groupId: prepared.send.room.groupId });
  return sent;
}

export type SendResult = { message: ChatMessage; duplicate: boolean; crisisPrompt?: true };
/** A send that passed its checks (policy, send rate, slow mode), ready for commitSend. */
export type PreparedSend = { actor: ChatActor; room: Awaited<ReturnType<typeof loadRoomForSend>> };

/**
 * The checks before any message is stored, shared by typed messages and voice notes (whose file is
 * stored between this and commitSend): a retry of a stored clientId answers with that message;
 * otherwise the policy, the per-user send rate and slow mode.
 */
export async function prepareSend(app: AppContext, viewer: ChatActor | null, input: { roomId: string; clientId: string }): Promise<{ duplicate: SendResult } | { send: PreparedSend }> {
  const actor = requireActor(viewer);
  const existing = await findByClientId(app, actor.id, input.clientId);
  if (existing) return { duplicate: duplicateOf(existing, input.roomId) };

  const room = await loadRoomForSend(app, actor, input.roomId);
  assertCan(actor, "chat.send", room.target, ROOM);
  await app.limiter.hit(`chat:send:${actor.id}`, { ...SEND_RATE, message: SEND_RATE_MESSAGE });
  if (room.slowModeSeconds > 0 && !("visibility" in room.target && can(actor, "chat.moderate", room.target))) {
    const [last] = await app.db
      .select({ createdAt: chatMessages.createdAt })
      .from(chatMessages)
      .where(and(eq(chatMessages.roomId, room.id), eq(chatMessages.authorId, actor.id)))
      .orderBy(desc(chatMessages.seq))
      .limit(1);
    const waitMs = last ? last.createdAt.getTime() + room.slowModeSeconds * 1000 - Date.now() : 0;
    if (waitMs > 0) throw slowModeRefusal(room.slowModeSeconds, waitMs);
  }
  return { send: { actor, room } };
}

/** Stores a prepared send (a text message, or a voice note whose file is already in storage) and publishes it. */
export async function commitSend(app: AppContext, { actor, room }: PreparedSend, input: { body: string; clientId: string; voice?: ChatVoice; reply?: ReplyQuote }): Promise<SendResult> {
  const message = { id: newId(), roomId: room.id, groupId: room.groupId, authorId: actor.id, body: input.body, clientId: input.clientId, kind: input.voice ? ("voice" as const) : ("text" as const), voice: input.voice ?? null, replyToId: input.reply?.replyToId ?? null };
  let inserted: ReturnType<typeof insertedOf>;
  try {
    inserted = await insertMessage(app.db, message);
  } catch (e) {
    return raceWinner(app, e, actor.id, input.clientId, room.id);
  }
  return publishStored(app, actor, room, message, inserted, input.reply);
}

/** A concurrent retry with the same clientId won the race to insert: answer with its message. */
async function raceWinner(app: AppContext, e: unknown, authorId: string, clientId: string, roomId: string): Promise<SendResult> {
  if (isUniqueViolation(e, "chat_messages_author_client_key")) {
    const winner = await findByClientId(app, authorId, clientId);
    if (winner) return duplicateOf(winner, roomId);
  }
  throw e;
}

/** A stored message goes to the room (persist, then publish; the caller acks), then its mentions and notices are queued. */
async function publishStored(
  app: AppContext,
  actor: ChatActor,
  room: PreparedSend["room"],
  m: Parameters<typeof insertMessage>[1],
  inserted: ReturnType<typeof insertedOf>,
  reply: ReplyQuote | undefined,
): Promise<SendResult> {
  const row: MessageRow = {
    id: m.id,
    roomId: room.id,
    seq: inserted.seq,
    authorId: actor.id,
    authorName: actor.displayName ?? (await authorName(app, actor.id)),
    authorStaff: inserted.authorStaff,
    body: m.body,
    clientId: m.clientId,
    createdAt: inserted.createdAt,
    ...freshMessage,
    ...reply,
    kind: m.kind,
    voice: m.voice ?? null,
  };
  const message = toChatMessage(row);
  app.realtime.chat.messageCreated(message);
  // Persisted and published: whoever it mentions hears from a job, never in this ack's time.
  await queueMentions(app, { kind: "chat", messageId: row.id }, row.body, row.id);
  // A direct conversation's other members hear of it (one folded notice per conversation).
  if ("kind" in room.target) await queueNotification(app, "chat.direct-message", { roomId: room.id, messageId: row.id }, `direct-message:${row.id}`);
  return { message, duplicate: false, ...crisisFlag(m.body) };
}

/**
 * The one insert of a chat message (sends, and the system line a move to the forum leaves). One
 * statement, so one implicit transaction (or part of the caller's): bump the room's last_seq (row
 * lock) and insert with it. The lock is held for this statement only, and a failed insert (a
 * concurrent retry with the same clientId) rolls the bump back: seqs stay gap-free and commit in
 * order. The author has read their own message: their room_reads moves up in the same statement.
 */
export async function insertMessage(
  db: Pick<AppContext["db"], "execute">,
  m: { id: string; roomId: string; groupId: string | null; authorId: string; body: string; clientId: string; kind: MessageRow["kind"]; voice?: ChatVoice | null; system?: ChatSystemData | null; replyToId?: string | null },
) {
  const one = sql`(select 0 as ord, ${m.id}::text as id, ${m.authorId}::text as author_id, ${m.body}::text as body, ${m.clientId}::text as client_id,
    ${m.kind}::chat_message_kind as kind, ${m.voice ? JSON.stringify(m.voice) : null}::jsonb as voice, ${m.system ? JSON.stringify(m.system) : null}::jsonb as system,
    ${m.replyToId ?? null}::text as reply_to_id)`;
  const result = await db.execute(sql`with one as ${one}, ${insertCtes(m.roomId, m.groupId, sql`one`)} select seq, created_at, author_staff from inserted`);
  const [inserted] = rowsOf<InsertedRow>(result);
  if (!inserted) throw NotFound(ROOM);
  return insertedOf(inserted);
}

export type InsertedRow = { seq: number | string; created_at: Date | string; author_staff: StaffRole | null };
export const insertedOf = (r: InsertedRow) => ({ seq: Number(r.seq), createdAt: new Date(r.created_at), authorStaff: r.author_staff ?? null });

/**
 * insertMessage's statement as CTEs (`bumped`, `numbered`, `read`, `inserted`) over the messages of
 * the CTE `accepted` (ord, id, author_id, body, client_id, kind, voice, system, reply_to_id), all for
 * one room: the room's last_seq goes up by their number under its row lock, and they take the seqs
 * in `ord` order. The send path puts its checks in front (sendStatement); none accepted, nothing bumped.
 */
function insertCtes(roomId: string, groupId: string | null, accepted: SQL) {
  return sql`bumped as (
      update ${chatRooms} set last_seq = last_seq + (select count(*) from ${accepted}) where id = ${roomId} and exists (select 1 from ${accepted}) returning last_seq
    ), numbered as (
      select a.*, bumped.last_seq - count(*) over () + row_number() over (order by a.ord) as seq from ${accepted} a cross join bumped
    ), read as (
      insert into ${roomReads} (user_id, room_id, last_read_seq)
      select author_id, ${roomId}, max(seq) from numbered group by author_id
      on conflict (user_id, room_id) do update set last_read_seq = greatest(${roomReads}.last_read_seq, excluded.last_read_seq), updated_at = now()
    ), inserted as (
      insert into ${chatMessages} (id, room_id, seq, author_id, body, client_id, kind, voice, system, reply_to_id)
      select id, ${roomId}, seq, author_id, body, client_id, kind, voice, system, reply_to_id from numbered
      returning id, seq, created_at, ${staffStanding(groupId, sql`${chatMessages.authorId}`)} as author_staff
    )`;
}

type ReplyQuote = Pick<MessageRow, "replyToId" | "replySeq" | "replyAuthorName" | "replyExcerpt" | "replyDeletedAt" | "replyHiddenAt">;

/**
 * The message a reply quotes, as the reply's row shows it (one lookup, for replies only). It must be
 * in the same room (any other id is unknown here), not deleted, and not a system line.
 */
export async function replyQuote(app: AppContext, roomId: string, replyToId: string): Promise<ReplyQuote> {
  const [original] = await app.db
    .select({ id: chatMessages.id, seq: chatMessages.seq, body: chatMessages.body, deletedAt: chatMessages.deletedAt, hiddenAt: chatMessages.hiddenAt, kind: chatMessages.kind, authorName: users.displayName })
    .from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.authorId))
    .where(and(eq(chatMessages.id, replyToId), eq(chatMessages.roomId, roomId)))
    .limit(1);
  if (!original) throw NotFound(MESSAGE);
  if (original.deletedAt) throw Invalid("That message was deleted, so you can't reply to it.");
  if (original.kind === "system") throw Invalid("You can't reply to that line.");
  return { replyToId: original.id, replySeq: Number(original.seq), replyAuthorName: original.authorName, replyExcerpt: original.body.slice(0, 160), replyDeletedAt: null, replyHiddenAt: original.hiddenAt };
}


async function authorName(app: AppContext, userId: string) {
  const [u] = await app.db.select({ displayName: users.displayName }).from(users).where(eq(users.id, userId));
  return u?.displayName ?? "Someone";
}

// ── moderation ────────────────────────────────────────────────────────────────────────────────

async function moderatedRoom(app: AppContext, viewer: ChatActor | null, roomId: string, what = ROOM) {
  const actor = requireActor(viewer);
  const room = groupRoomOnly(await loadRoom(app, actor, roomId), what);
  assertCan(actor, "chat.moderate", room.target, what);
  return { actor, room };
}

/** Tells the room's live clients its new state (room:updated). Call after the change has committed. */
export async function publishRoom(app: AppContext, roomId: string) {
  const room = await loadRoom(app, null, roomId);
  app.realtime.chat.roomUpdated(await roomState(app, room));
}

/** Removes a message (soft delete, body kept for the audit) and tells the room at once. */
export async function deleteMessage(app: AppContext, viewer: ChatActor | null, input: { messageId: string; reason: string }) {
  const message = await findMessage(app, input.messageId);
  if (!message) throw NotFound(MESSAGE);
  const { actor, room } = await moderatedRoom(app, viewer, message.roomId, MESSAGE);
  if (message.deletedAt) return { roomId: room.id, messageId: message.id, alreadyDeleted: true };
  const unpinned = await softDeleteMessage(app, message, room, { actorId: actor.id, reason: input.reason }, async (tx) => {
    await auditContentAction(
      tx,
      {
        actorId: actor.id,
        action: "chat.message.delete",
        targetType: "chat_message",
        targetId: message.id,
        groupId: room.groupId,
        subjectUserId: message.authorId,
        reason: input.reason,
        details: { roomId: room.id, seq: Number(message.seq) },
      },
      { what: "chat message", groupName: room.group.name },
    );
  });
  if (message.authorId) await announceNotices(app, [message.authorId]);
  app.realtime.chat.notice({ roomId: room.id, message: "A moderator removed a message." });
  await publishDeleted(app, message, unpinned, false);
  return { roomId: room.id, messageId: message.id, alreadyDeleted: false };
}

type Tx = Parameters<Parameters<AppContext["db"]["transaction"]>[0]>[0];

/**
 * The one soft delete, for moderators and authors alike: the body stays for the audit, a pinned
 * message is unpinned, and `more` (an audit row) commits with it. Returns whether it was unpinned;
 * after the commit, publishDeleted tells the room.
 */
export async function softDeleteMessage(
  app: AppContext,
  message: { id: string },
  room: { id: string; pinnedMessageId: string | null },
  by: { actorId: string; reason: string | null },
  more?: (tx: Tx) => Promise<void>,
): Promise<boolean> {
  const unpinned = room.pinnedMessageId === message.id;
  await app.db.transaction(async (tx) => {
    await tx
      .update(chatMessages)
      .set({ deletedAt: new Date(), deletedBy: by.actorId, deletionReason: by.reason })
      .where(and(eq(chatMessages.id, message.id), isNull(chatMessages.deletedAt)));
    if (unpinned) await tx.update(chatRooms).set({ pinnedMessageId: null }).where(and(eq(chatRooms.id, room.id), eq(chatRooms.pinnedMessageId, message.id)));
    if (more) await more(tx);
  });
  return unpinned;
}

/** After a soft delete committed: the room hears it (and the pin's removal), on every node. */
export async function publishDeleted(app: AppContext, message: { id: string; roomId: string; seq: number | string }, unpinned: boolean, byAuthor: boolean) {
  app.realtime.chat.messageDeleted({ roomId: message.roomId, messageId: message.id, seq: Number(message.seq), byAuthor });
  if (unpinned) await publishRoom(app, message.roomId);
}

/**
 * An author's account was deleted (anonymised): their messages in each room's latest page, which
 * every live client holds, go out again, so the anonymous name (and "removed by its author", if they
 * chose it) shows at once; older ones change on reload. Clients merge by id: nothing is added or
 * announced twice. Call after the change has committed.
 */
export async function republishAuthorMessages(app: AppContext, authorId: string): Promise<void> {
  const rows = await selectMessages(app)
    .where(and(eq(chatMessages.authorId, authorId), gt(chatMessages.seq, sql`${chatRooms.lastSeq} - ${HISTORY_PAGE}`)))
    .orderBy(asc(chatMessages.roomId), asc(chatMessages.seq));
  for (const row of rows) app.realtime.chat.messageCreated(toChatMessage(row));
}

/** Publishes these messages as they are now (message:new; clients replace theirs by id), in seq order. Call after the change has committed. */
export async function publishMessages(app: AppContext, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const rows = await selectMessages(app).where(inArray(chatMessages.id, messageIds)).orderBy(asc(chatMessages.seq));
  for (const row of rows) app.realtime.chat.messageCreated(toChatMessage(row));
}

/** Restores a removed message (an appeal was accepted), audited, and shows it to the room again at once. */
export async function restoreMessage(app: AppContext, viewer: ChatActor | null, input: { messageId: string; reason: string }) {
  const message = await findMessage(app, input.messageId);
  if (!message) throw NotFound(MESSAGE);
  const { actor, room } = await moderatedRoom(app, viewer, message.roomId, MESSAGE);
  if (!message.deletedAt) return { roomId: room.id, messageId: message.id, alreadyVisible: true };
  await app.db.transaction(async (tx) => {
    await tx
      .update(chatMessages)
      .set({ deletedAt: null, deletedBy: null, deletionReason: null })
      .where(and(eq(chatMessages.id, message.id), isNotNull(chatMessages.deletedAt)));
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: "chat.message.restore",
      targetType: "chat_message",
      targetId: message.id,
      groupId: room.groupId,
      subjectUserId: message.authorId,
      reason: input.reason,
      details: { roomId: room.id, seq: Number(message.seq) },
    });
  });
  // message:new carries the whole message and clients replace theirs by id: the room shows it again.
  app.realtime.chat.messageCreated(toChatMessage({ ...message, deletedAt: null }));
  app.realtime.chat.notice({ roomId: room.id, message: "A moderator restored a message." });
  return { roomId: room.id, messageId: message.id, alreadyVisible: false };
}

/** The person a moderator acts on, with their own standing in the room (moderators can't be sanctioned). */
async function subjectIn(app: AppContext, roomId: string, userId: string) {
  const [user] = await app.db
    .select({ id: users.id, displayName: users.displayName, siteRole: users.siteRole, status: users.status })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user) throw NotFound("That person");
  const room = groupRoomOnly(await loadRoom(app, user, roomId));
  if (can(user, "chat.moderate", room.target)) throw new DomainError("forbidden", "Moderators can't be muted or removed from a room.");
  return user;
}

function durationText(minutes: number) {
  const choice = muteChoices.find((c) => c.minutes === minutes);
  return choice ? choice.label : minutesText(minutes);
}

async function upsertSanction(
  tx: Pick<AppContext["db"], "insert">,
  roomId: string,
  userId: string,
  set: { mutedUntil?: Date | null; bannedAt?: Date | null; reason: string },
) {
  await tx
    .insert(chatRoomSanctions)
    .values({ roomId, userId, mutedUntil: set.mutedUntil ?? null, bannedAt: set.bannedAt ?? null, reason: set.reason })
    .onConflictDoUpdate({
      target: [chatRoomSanctions.roomId, chatRoomSanctions.userId],
      set: { ...set, updatedAt: new Date() },
    });
}

/** Mutes someone in a room for a chosen time (0 minutes lifts the mute). */
export async function muteUser(app: AppContext, viewer: ChatActor | null, input: { roomId: string; userId: string; minutes: number; reason: string }) {
  const { actor, room } = await moderatedRoom(app, viewer, input.roomId);
  const subject = await subjectIn(app, room.id, input.userId);
  const mutedUntil = input.minutes > 0 ? new Date(Date.now() + input.minutes * 60_000) : null;
  await app.db.transaction(async (tx) => {
    await upsertSanction(tx, room.id, subject.id, { mutedUntil, reason: input.reason });
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: mutedUntil ? "chat.mute" : "chat.unmute",
      targetType: "chat_room",
      targetId: room.id,
      groupId: room.groupId,
      subjectUserId: subject.id,
      reason: input.reason,
      details: { minutes: input.minutes, until: mutedUntil?.toISOString() ?? null },
    });
  });
  const duration = durationText(input.minutes);
  app.realtime.chat.sanctioned(subject.id, {
    roomId: room.id,
    mutedUntil: mutedUntil?.toISOString() ?? null,
    banned: false,
    message: mutedUntil
      ? `A moderator muted you in this room for ${duration} (until ${mutedUntil.toISOString()}). Reason: ${input.reason}`
      : "A moderator lifted your mute in this room. You can send messages again.",
  });
  app.realtime.chat.notice({
    roomId: room.id,
    message: mutedUntil ? `${subject.displayName} was muted for ${duration} by a moderator.` : `${subject.displayName} can send messages again.`,
  });
  return { userId: subject.id, mutedUntil: mutedUntil?.toISOString() ?? null };
}

/** Bans someone from a room (their sockets leave it at once, on every node), or lifts the ban. */
export async function banUser(app: AppContext, viewer: ChatActor | null, input: { roomId: string; userId: string; banned: boolean; reason: string }) {
  const { actor, room } = await moderatedRoom(app, viewer, input.roomId);
  const subject = await subjectIn(app, room.id, input.userId);
  await app.db.transaction(async (tx) => {
    await upsertSanction(tx, room.id, subject.id, { bannedAt: input.banned ? new Date() : null, reason: input.reason });
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: input.banned ? "chat.ban" : "chat.unban",
      targetType: "chat_room",
      targetId: room.id,
      groupId: room.groupId,
      subjectUserId: subject.id,
      reason: input.reason,
    });
  });
  if (input.banned && room.groupId) await accessLost(app, { groupId: room.groupId, userId: subject.id });
  app.realtime.chat.sanctioned(subject.id, {
    roomId: room.id,
    mutedUntil: null,
    banned: input.banned,
    message: input.banned
      ? `A moderator removed you from this room. Reason: ${input.reason}`
      : "A moderator let you back into this room.",
  });
  app.realtime.chat.notice({
    roomId: room.id,
    message: input.banned ? `${subject.displayName} was removed from the room by a moderator.` : `${subject.displayName} may join the room again.`,
  });
  return { userId: subject.id, banned: input.banned };
}

/** A change to a room's settings, audited, announced to its live readers. */
type RoomChange = { set: Partial<typeof chatRooms.$inferInsert>; action: string; reason?: string; details?: Record<string, unknown>; notice?: string };

/**
 * The one way a room's settings change (slow mode, lock, pin, rename, archive, retention): the update
 * and its audit row in one transaction, then the new room state and a notice to its live readers.
 * The caller has already asked the policy for `actor`.
 */
export async function changeRoom(app: AppContext, actor: Actor, room: { id: string; groupId: string | null }, change: RoomChange) {
  await app.db.transaction(async (tx) => {
    await tx.update(chatRooms).set(change.set).where(eq(chatRooms.id, room.id));
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: change.action,
      targetType: "chat_room",
      targetId: room.id,
      groupId: room.groupId,
      reason: change.reason ?? "",
      details: change.details,
    });
  });
  await publishRoom(app, room.id);
  if (change.notice) app.realtime.chat.notice({ roomId: room.id, message: change.notice });
}

async function updateRoom(app: AppContext, viewer: ChatActor | null, roomId: string, change: RoomChange & { notice: string }) {
  const { actor, room } = await moderatedRoom(app, viewer, roomId);
  await changeRoom(app, actor, room, change);
  return { roomId: room.id };
}

export function setSlowMode(app: AppContext, viewer: ChatActor | null, input: { roomId: string; seconds: number }) {
  return updateRoom(app, viewer, input.roomId, {
    set: { slowModeSeconds: input.seconds },
    action: "chat.slow_mode",
    details: { seconds: input.seconds },
    notice: input.seconds > 0 ? `Slow mode is on: one message every ${secondsText(input.seconds)} per person.` : "Slow mode is off.",
  });
}

export function setLocked(app: AppContext, viewer: ChatActor | null, input: { roomId: string; locked: boolean; reason?: string }) {
  return updateRoom(app, viewer, input.roomId, {
    set: { locked: input.locked },
    action: input.locked ? "chat.lock" : "chat.unlock",
    reason: input.reason,
    notice: input.locked ? "A moderator locked the room: it is read-only for now." : "A moderator unlocked the room.",
  });
}

export async function pinMessage(app: AppContext, viewer: ChatActor | null, input: { roomId: string; messageId: string | null }) {
  if (input.messageId) {
    const message = await findMessage(app, input.messageId);
    if (!message || message.roomId !== input.roomId || message.deletedAt) throw NotFound(MESSAGE);
  }
  return updateRoom(app, viewer, input.roomId, {
    set: { pinnedMessageId: input.messageId },
    action: input.messageId ? "chat.pin" : "chat.unpin",
    details: { messageId: input.messageId },
    notice: input.messageId ? "A moderator pinned a message." : "A moderator unpinned the message.",
  });
}

/** A member reports a message for the moderation queue. */
export async function reportMessage(
  app: AppContext,
  viewer: ChatActor | null,
  input: { messageId: string; reason: "spam" | "harassment" | "medical_misinformation" | "crisis" | "other"; details: string },
) {
  const actor = requireActor(viewer);
  const message = await findMessage(app, input.messageId);
  if (!message) throw NotFound(MESSAGE);
  const room = await loadRoom(app, actor, message.roomId);
  assertCan(actor, "chat.report", { ...room.target, message: { authorId: message.authorId } }, MESSAGE);
  const id = await fileLimitedReport(
    app,
    {
      reporterId: actor.id,
      targetType: "chat_message",
      targetId: message.id,
      groupId: room.groupId,
      reason: input.reason,
      details: input.details,
    },
    // Auto-hidden by this report: the room gets the message again without its body, at once.
    () => publishMessages(app, [message.id]),
  );
  return { reportId: id };
}

// ── room management (the group's chat page) ───────────────────────────────────────────────────

export async function createRoom(app: AppContext, viewer: ChatActor | null, slug: string, input: { name: string }) {
  const actor = requireActor(viewer);
  const group = await findGroup(app, actor, slug);
  assertCan(actor, "chat.manageRooms", group.target);
  const id = newId(9);
  await app.db.transaction(async (tx) => {
    await tx.insert(chatRooms).values({ id, groupId: group.id, name: input.name });
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: "chat.room.create",
      targetType: "chat_room",
      targetId: id,
      groupId: group.id,
      details: { name: input.name },
    });
  });
  return { id, name: input.name };
}

async function managedRoom(app: AppContext, viewer: ChatActor | null, slug: string, roomId: string) {
  const actor = requireActor(viewer);
  const room = groupRoomOnly(await loadRoom(app, actor, roomId));
  if (room.group.slug !== slug) throw NotFound(ROOM);
  assertCan(actor, "chat.manageRooms", room.group.target);
  return { actor, room };
}

export async function renameRoom(app: AppContext, viewer: ChatActor | null, slug: string, input: { roomId: string; name: string }) {
  const { actor, room } = await managedRoom(app, viewer, slug, input.roomId);
  await changeRoom(app, actor, room, { set: { name: input.name }, action: "chat.room.rename", details: { from: room.name, to: input.name } });
  return { id: room.id, name: input.name };
}

export async function archiveRoom(app: AppContext, viewer: ChatActor | null, slug: string, input: { roomId: string; archived: boolean }) {
  const { actor, room } = await managedRoom(app, viewer, slug, input.roomId);
  await changeRoom(app, actor, room, {
    set: { archivedAt: input.archived ? new Date() : null },
    action: input.archived ? "chat.room.archive" : "chat.room.unarchive",
    notice: input.archived ? "A moderator archived this room." : "A moderator reopened this room.",
  });
  return { id: room.id, name: room.name };
}
