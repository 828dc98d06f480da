import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { rowsOf } from "#app/lib/db-rows.server";
import { chatMessages, chatRoomMembers, chatRooms, groupMemberships, roomReads, userBlocks, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Forbidden, Invalid, NotFound, Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { assertCan, can, type Actor, type DirectStartTarget } from "#app/policy.server";
import { loadRoom, openRoom, sendMessage, type ChatActor } from "./chat.server";
import { DM_MAX_OTHERS, DM_PAGE } from "./direct.schema";
import { roomReadJoin, unreadColumn } from "./reading.server";

/**
 * Direct conversations: 2–8 people who chose it, a chat_rooms row of kind "direct" with its people in
 * chat_room_members. Everything inside a conversation (history, send, unread, edits, reactions) is the
 * group room machinery; this module only starts, lists and leaves them, and asks `dm.start`.
 */

const CONVERSATION = "That conversation";

/** The refusal every refused person gets, whatever the reason (their choice, a block, no shared group, no such person). */
export const refusedText = (name: string) => `${name} doesn't accept direct messages from you.`;

function requireActor(actor: ChatActor | null): ChatActor {
  if (!actor) throw Unauthenticated();
  return actor;
}

/** `dm.start` targets from this actor to these people, in one query. */
async function startTargets(app: AppContext, actorId: string, where: ReturnType<typeof eq>) {
  const rows = await app.db
    .select({
      id: users.id,
      displayName: users.displayName,
      dmPolicy: users.dmPolicy,
      status: users.status,
      deletedAt: users.deletedAt,
      sharesGroup: sql<boolean>`exists (
        select 1 from ${groupMemberships} mine join ${groupMemberships} theirs on theirs.group_id = mine.group_id
        where mine.user_id = ${actorId} and mine.status = 'active' and theirs.user_id = ${users.id} and theirs.status = 'active'
      )`.mapWith(Boolean),
      blocked: sql<boolean>`exists (
        select 1 from ${userBlocks} b
        where (b.blocker_id = ${actorId} and b.blocked_id = ${users.id}) or (b.blocker_id = ${users.id} and b.blocked_id = ${actorId})
      )`.mapWith(Boolean),
    })
    .from(users)
    .where(where);
  return rows.map((r) => {
    const target: DirectStartTarget = {
      kind: "dm-start",
      userId: r.id,
      dmPolicy: r.dmPolicy,
      sharesGroup: r.sharesGroup,
      blocked: r.blocked,
      recipientActive: r.status === "active" && r.deletedAt === null,
    };
    return { id: r.id, displayName: r.displayName, target };
  });
}

/** May this actor start a conversation with this member (the profile page's "Send a message")? */
export async function mayMessage(app: AppContext, actor: Actor | null, userId: string): Promise<boolean> {
  if (!actor || actor.id === userId) return false;
  const [t] = await startTargets(app, actor.id, eq(users.id, userId));
  return !!t && can(actor, "dm.start", t.target);
}

/**
 * The actor's own standing to start any conversation (suspended, unconfirmed address): asked with a
 * target that every member would accept, so the answer is about the actor, never about a recipient.
 */
function assertMayStartAny(actor: Actor) {
  const open: DirectStartTarget = { kind: "dm-start", userId: "", dmPolicy: "anyone", sharesGroup: true, blocked: false, recipientActive: true };
  assertCan(actor, "dm.start", open);
}

/** The actor's open 1:1 conversation with this person (both still in it), if any. */
async function openOneToOne(db: Pick<AppContext["db"], "execute">, actorId: string, otherId: string): Promise<string | null> {
  const rows = await db.execute(sql`
    select mine.room_id as id from ${chatRoomMembers} mine
    join ${chatRoomMembers} theirs on theirs.room_id = mine.room_id and theirs.user_id = ${otherId} and theirs.left_at is null
    join ${chatRooms} r on r.id = mine.room_id and r.kind = 'direct' and r.archived_at is null
    where mine.user_id = ${actorId} and mine.left_at is null
      and (select count(*) from ${chatRoomMembers} everyone where everyone.room_id = mine.room_id) = 2
    order by r.created_at desc limit 1`);
  const first = rowsOf<{ id: string }>(rows)[0];
  return first?.id ?? null;
}

/**
 * Starts a conversation with 1–7 people chosen by display name, with an optional first message.
 * Each person must accept (policy dm.start); a refused person gets the same words whatever the
 * reason. A 1:1 with someone the actor already has an open 1:1 with opens that one. The room and its
 * members commit together; the first message then goes through the normal send path.
 */
export async function startConversation(app: AppContext, viewer: ChatActor | null, input: { people: string[]; body?: string; clientId?: string }) {
  const actor = requireActor(viewer);
  assertMayStartAny(actor);
  const names = [...new Map(input.people.map((n) => [n.trim().toLowerCase(), n.trim()])).entries()].filter(([k]) => k !== "");
  if (names.length === 0) throw Invalid("Choose at least one person.", { people: ["Choose at least one person."] });
  if (names.length > DM_MAX_OTHERS) {
    throw Invalid(`A conversation has at most ${DM_MAX_OTHERS + 1} people: choose up to ${DM_MAX_OTHERS} others.`, {
      people: [`Choose up to ${DM_MAX_OTHERS} people.`],
    });
  }
  const found = await startTargets(app, actor.id, inArray(sql`lower(${users.displayName})`, names.map(([k]) => k)));
  const byKey = new Map(found.map((f) => [f.displayName.toLowerCase(), f]));
  // Both are in an open 1:1 already: opening it again asks nobody's consent (it was given).
  const only = names.length === 1 ? byKey.get(names[0]![0]) : undefined;
  const existing = only && only.id !== actor.id ? await openOneToOne(app.db, actor.id, only.id) : null;
  if (existing) return { roomId: existing, reused: true, ...(await firstMessage(app, actor, existing, input)) };
  const refused: string[] = [];
  const chosen: string[] = [];
  for (const [key, typed] of names) {
    const person = byKey.get(key);
    if (person?.id === actor.id) throw Invalid("That's you: choose someone else.", { people: ["That's you: choose someone else."] });
    if (!person || !can(actor, "dm.start", person.target)) refused.push(refusedText(person?.displayName ?? typed));
    else chosen.push(person.id);
  }
  if (refused.length) throw Forbidden(refused.join(" "));

  const created = await app.db.transaction(async (tx) => {
    if (chosen.length === 1) {
      // Two people starting the same 1:1 at once: the second waits for the first's commit (a lock on
      // the pair, held until this transaction ends) and then finds its room instead of making another.
      const pair = [actor.id, chosen[0]!].sort().join(":");
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`dm:${pair}`}))`);
      const raced = await openOneToOne(tx, actor.id, chosen[0]!);
      if (raced) return { roomId: raced, reused: true };
    }
    const roomId = newId(9);
    await tx.insert(chatRooms).values({ id: roomId, kind: "direct", groupId: null, name: "", createdBy: actor.id });
    await tx.insert(chatRoomMembers).values([actor.id, ...chosen].map((userId) => ({ roomId, userId })));
    return { roomId, reused: false };
  });
  return { ...created, ...(await firstMessage(app, actor, created.roomId, input)) };
}

/** The optional first message, through the normal send path once the room has committed. */
async function firstMessage(app: AppContext, actor: ChatActor, roomId: string, input: { body?: string; clientId?: string }) {
  const body = input.body?.trim();
  if (!body) return {};
  const sent = await sendMessage(app, actor, { roomId, body, clientId: input.clientId ?? newId() });
  return { seq: sent.message.seq };
}

/**
 * The member's conversations, the latest activity first (capped at DM_PAGE a page; `before` = the
 * last one's activity time for the next page): the others' names, the last message's time and the
 * unread count, all in one query however many conversations.
 */
export async function listConversations(app: AppContext, viewer: Actor | null, opts: { before?: Date } = {}) {
  const actor = requireActor(viewer);
  const activity = sql<Date>`coalesce((select max(lm.created_at) from ${chatMessages} lm where lm.room_id = ${chatRooms.id}), ${chatRooms.createdAt})`;
  const rows = await app.db
    .select({
      id: chatRooms.id,
      archivedAt: chatRooms.archivedAt,
      activity: activity.mapWith((v: string | Date) => new Date(v)),
      lastMessageAt: sql<string | null>`(select max(lm.created_at) from ${chatMessages} lm where lm.room_id = ${chatRooms.id})`,
      unread: unreadColumn(),
      others: sql<string[] | null>`(
        select json_agg(u.display_name order by u.display_name) from ${chatRoomMembers} om join ${users} u on u.id = om.user_id
        where om.room_id = ${chatRooms.id} and om.user_id <> ${actor.id} and om.left_at is null
      )`,
    })
    .from(chatRoomMembers)
    .innerJoin(chatRooms, eq(chatRooms.id, chatRoomMembers.roomId))
    .leftJoin(roomReads, roomReadJoin(actor.id))
    .where(
      and(
        eq(chatRoomMembers.userId, actor.id),
        isNull(chatRoomMembers.leftAt),
        opts.before ? lt(activity, sql`${opts.before.toISOString()}::timestamptz`) : undefined,
      ),
    )
    .orderBy(desc(activity), desc(chatRooms.id))
    .limit(DM_PAGE + 1);
  const page = rows.slice(0, DM_PAGE).map((r) => ({
    id: r.id,
    others: r.others ?? [],
    lastMessageAt: r.lastMessageAt ? new Date(r.lastMessageAt).toISOString() : null,
    activity: r.activity.toISOString(),
    unread: Math.max(0, Number(r.unread)),
  }));
  return { conversations: page, older: rows.length > DM_PAGE ? page[page.length - 1]!.activity : null };
}

/** The member's unread messages over all their conversations: one aggregate (the header's count). */
export async function unreadConversations(app: AppContext, actorId: string): Promise<number> {
  const [row] = await app.db
    .select({ n: sql<number>`coalesce(sum(greatest(${unreadColumn()}, 0)), 0)::int`.mapWith(Number) })
    .from(chatRoomMembers)
    .innerJoin(chatRooms, eq(chatRooms.id, chatRoomMembers.roomId))
    .leftJoin(roomReads, roomReadJoin(actorId))
    .where(and(eq(chatRoomMembers.userId, actorId), isNull(chatRoomMembers.leftAt)));
  return row?.n ?? 0;
}

/** Opening a conversation page: the room machinery's openRoom, plus who is in it. 404 for anyone not in it. */
export async function openConversation(app: AppContext, viewer: Actor | null, roomId: string, at?: number) {
  const actor = requireActor(viewer);
  const room = await loadRoom(app, actor, roomId);
  if (room.kind !== "direct") throw NotFound(CONVERSATION);
  assertCan(actor, "chat.read", room.target, CONVERSATION);
  const [opened, people] = await Promise.all([openRoom(app, actor, { roomId, at }), conversationPeople(app, roomId)]);
  return { ...opened, people: people.filter((p) => p.id !== actor.id) };
}

/** The current members of a conversation (mention suggestions, the page's title). */
export async function conversationPeople(app: AppContext, roomId: string) {
  return app.db
    .select({ id: users.id, displayName: users.displayName })
    .from(chatRoomMembers)
    .innerJoin(users, eq(users.id, chatRoomMembers.userId))
    .where(and(eq(chatRoomMembers.roomId, roomId), isNull(chatRoomMembers.leftAt)))
    .orderBy(users.displayName);
}

/**
 * Leaves a conversation: the member's row keeps its history (left_at), their sockets leave the room
 * at once on every node (and the delivery guard forgets them before anything else is sent), and the
 * others are told.
 */
export async function leaveConversation(app: AppContext, viewer: ChatActor | null, roomId: string) {
  const actor = requireActor(viewer);
  const room = await loadRoom(app, actor, roomId);
  if (room.kind !== "direct") throw NotFound(CONVERSATION);
  assertCan(actor, "chat.read", room.target, CONVERSATION);
  const left = await app.db
    .update(chatRoomMembers)
    .set({ leftAt: new Date() })
    .where(and(eq(chatRoomMembers.roomId, roomId), eq(chatRoomMembers.userId, actor.id), isNull(chatRoomMembers.leftAt)))
    .returning({ userId: chatRoomMembers.userId });
  await app.realtime.chat.removeFromRooms(actor.id, [roomId]);
  if (left.length) {
    const [me] = await app.db.select({ displayName: users.displayName }).from(users).where(eq(users.id, actor.id));
    app.realtime.chat.notice({ roomId, message: `${me?.displayName ?? "Someone"} left the conversation.` });
  }
  return { roomId };
}

/** Saves who may start a conversation with the member. */
export async function setDmPolicy(app: AppContext, viewer: Actor | null, policy: "nobody" | "groups" | "anyone") {
  const actor = requireActor(viewer);
  await app.db.update(users).set({ dmPolicy: policy }).where(eq(users.id, actor.id));
  return { dmPolicy: policy };
}

export async function getDmPolicy(app: AppContext, viewer: Actor | null) {
  const actor = requireActor(viewer);
  const [row] = await app.db.select({ dmPolicy: users.dmPolicy }).from(users).where(eq(users.id, actor.id));
  if (!row) throw NotFound("That account");
  return row.dmPolicy;
}
