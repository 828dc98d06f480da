import { eq } from "drizzle-orm";
import { chatRooms, events } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { isDomainError } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { formatDayTime } from "#app/lib/time";
import { assertCan, can, type Actor } from "#app/policy.server";
import { loadRoom } from "#app/modules/chat/chat.server";
import { absoluteUrl } from "#app/modules/mail/compose.server";
import { TITLE_MAX } from "#app/modules/forums/forums.schema";
import { readableThread } from "#app/modules/forums/thread-access.server";
import { insertThread } from "#app/modules/forums/threads.server";
import { recordModerationAction } from "#app/modules/moderation/moderation.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { findEvent } from "./common.server";

/**
 * An event's discussion: organizers of a group's event open a thread in the group's forum or a chat
 * room in the group, once each (the event row is locked while checking, so two clicks make one).
 * The event page links it only for people the thread's or room's own policy lets in.
 */

export type DiscussionKind = "thread" | "room";
const ROOM_NAME_MAX = 60;

const fit = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

/** "Peer support evening — Thu 4 Dec, 19:00", shortened to fit the title or room name. */
function discussionName(event: { title: string; startsAt: Date; timeZone: string }, max: number): string {
  const when = ` — ${formatDayTime(event.startsAt, event.timeZone)}`;
  return `${fit(event.title, max - when.length)}${when}`;
}

export async function openDiscussion(app: AppContext, viewer: Actor | null, eventId: string, kind: DiscussionKind): Promise<{ kind: DiscussionKind; id: string; created: boolean }> {
  const event = await findEvent(app, viewer, eventId, app.clock.now());
  assertCan(viewer, "event.openDiscussion", event.target, "That event");
  const group = event.group!;
  const actorId = viewer!.id;
  const result = await app.db.transaction(async (tx) => {
    const [row] = await tx.select({ threadId: events.discussionThreadId, roomId: events.discussionRoomId }).from(events).where(eq(events.id, eventId)).for("update");
    const existing = kind === "thread" ? row?.threadId : row?.roomId;
    if (existing) return { kind, id: existing, created: false };
    if (kind === "thread") {
      // The post links back with the full address: Markdown in posts keeps only http(s) links.
      // Members only where visitors could read the forum: who is going to a support meeting, and what
      // they say about it, is for the group (replying needs membership anyway), not for search engines.
      const { threadId } = await insertThread(tx, {
        groupId: group.id,
        title: discussionName(event, TITLE_MAX),
        membersOnly: event.target.group?.forumPublic ?? false,
        posts: [{ authorId: actorId, body: `A thread for everyone coming to [${event.title.replace(/[[\]\\]/g, "\\$&")}](${absoluteUrl(app.config, `/events/${eventId}`)}) on ${formatDayTime(event.startsAt, event.timeZone, { year: true })}. Questions, lifts, what to bring: ask here.` }],
      });
      await tx.update(events).set({ discussionThreadId: threadId }).where(eq(events.id, eventId));
      return { kind, id: threadId, created: true };
    }
    const id = newId(9);
    const name = discussionName(event, ROOM_NAME_MAX);
    await tx.insert(chatRooms).values({ id, groupId: group.id, name });
    // Audited like a room a moderator creates on the chat page (chat.server createRoom).
    await recordModerationAction(tx, { actorId, action: "chat.room.create", targetType: "chat_room", targetId: id, groupId: group.id, details: { name, eventId } });
    await tx.update(events).set({ discussionRoomId: id }).where(eq(events.id, eventId));
    return { kind, id, created: true };
  });
  if (result.created && kind === "thread") await queueNotification(app, "forums.new-thread", { threadId: result.id }, result.id);
  return result;
}

export interface DiscussionLink {
  kind: DiscussionKind;
  label: string;
  href: string;
}

/**
 * The event's discussion as this viewer finds it: the links they can follow (a thread or room they
 * may not open is left out, never a link that 404s) and which kinds are open already (organizer panel).
 */
export async function eventDiscussion(app: AppContext, viewer: Actor | null, event: { id: string; group: { slug: string } | null }) {
  const links: DiscussionLink[] = [];
  const [row] = event.group ? await app.db.select({ threadId: events.discussionThreadId, roomId: events.discussionRoomId }).from(events).where(eq(events.id, event.id)) : [];
  const opened = { thread: !!row?.threadId, room: !!row?.roomId };
  if (!event.group || !row) return { links, opened };
  const slug = event.group.slug;
  if (row.threadId) {
    const thread = await readableThread(app, viewer, slug, row.threadId);
    if (thread) links.push({ kind: "thread", label: thread.title, href: `/groups/${slug}/forum/${thread.id}` });
  }
  if (row.roomId) {
    try {
      const room = await loadRoom(app, viewer, row.roomId);
      if (room.kind === "group" && room.groupSlug === slug && can(viewer, "chat.read", room.target)) links.push({ kind: "room", label: room.name, href: `/groups/${slug}/chat/${room.id}` });
    } catch (e) {
      if (!isDomainError(e)) throw e;
    }
  }
  return { links, opened };
}
