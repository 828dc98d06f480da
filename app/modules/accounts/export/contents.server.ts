import { Readable } from "node:stream";
import { aliasedTable, and, eq, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import {
  appeals,
  chatMessages,
  chatRooms,
  consents,
  drafts,
  eventRsvps,
  events,
  groupMemberships,
  groups,
  moderationActions,
  posts,
  reactions,
  reports,
  resourceBookmarks,
  resources,
  threads,
  userBlocks,
  users,
  type ChatVoice,
} from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { timeKey } from "#app/lib/keyset.server";

/**
 * What a member's export holds, file by file. Only their own data: what they wrote, chose and were
 * told. Other people appear by pseudonym only (never an e-mail or a user id), and nothing others wrote
 * (another member's post, a thread title in a group) is copied in beside the member's own words.
 * Every table is read in keyset pages and written as it is read, so memory stays flat however much
 * a member wrote.
 */

/** Rows per query. */
export const EXPORT_PAGE_SIZE = 1000;

/** A row's keyset position: its time (UTC, microseconds, as text so it compares exactly) and a tiebreak. */
interface Keyed {
  kt: string;
  kid: string;
}
type Key = { t: string; id: string } | null;

/** The key columns to select, and the condition "after this key", for (time, tiebreak) ordering. */
function keyset(time: PgColumn, tiebreak: SQL | PgColumn) {
  return {
    select: { kt: timeKey(time), kid: sql<string>`${tiebreak}` },
    after: (key: Key) => (key ? sql`(${time}, ${tiebreak}) > (${key.t}::timestamptz, ${key.id})` : undefined),
    orderBy: [time, tiebreak] as [PgColumn, SQL | PgColumn],
  };
}

/** All rows of one query, page after page. */
async function* pages<R extends Keyed>(read: (after: Key) => Promise<R[]>): AsyncGenerator<R[]> {
  let after: Key = null;
  for (;;) {
    const rows = await read(after);
    if (rows.length) yield rows;
    if (rows.length < EXPORT_PAGE_SIZE) return;
    const last = rows.at(-1)!;
    after = { t: last.kt, id: last.kid };
  }
}

/** A JSON array written one page at a time (readable as the ZIP entry's bytes). */
function jsonArray<R extends Keyed>(rows: AsyncIterable<R[]>, present: (row: R) => unknown): Readable {
  async function* bytes() {
    let first = true;
    yield Buffer.from("[");
    for await (const page of rows) {
      let chunk = "";
      for (const row of page) {
        chunk += `${first ? "\n  " : ",\n  "}${JSON.stringify(present(row))}`;
        first = false;
      }
      yield Buffer.from(chunk);
    }
    yield Buffer.from(first ? "]\n" : "\n]\n");
  }
  return Readable.from(bytes(), { objectMode: false });
}

/** One JSON file of the export: its name, and its bytes read when the ZIP writer gets to it. */
export interface ExportFile {
  name: string;
  open(): Readable;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The JSON files of one member's export, in the order they go into the ZIP. */
export function exportFiles(app: AppContext, userId: string): ExportFile[] {
  const db = app.db;
  const file = <R extends Keyed>(name: string, read: (after: Key) => Promise<R[]>, present: (row: R) => unknown): ExportFile => ({
    name,
    open: () => jsonArray(pages(read), present),
  });

  const profile: ExportFile = {
    name: "profile.json",
    open: () =>
      Readable.from(
        (async function* () {
          const [u] = await db
            .select({
              pseudonym: users.displayName,
              email: users.email,
              emailVerifiedAt: users.emailVerifiedAt,
              bio: users.bio,
              profileVisibility: users.profileVisibility,
              listedInMembers: users.listedInMembers,
              preferences: users.preferences,
              siteRole: users.siteRole,
              status: users.status,
              createdAt: users.createdAt,
            })
            .from(users)
            .where(eq(users.id, userId));
          if (!u) throw new Error("export: account not found");
          const profile = {
            pseudonym: u.pseudonym,
            email: u.email,
            emailVerifiedAt: iso(u.emailVerifiedAt),
            bio: u.bio,
            visibility: { profile: u.profileVisibility, listedInMembers: u.listedInMembers },
            preferences: u.preferences,
            siteRole: u.siteRole,
            accountStatus: u.status,
            createdAt: iso(u.createdAt),
          };
          yield Buffer.from(`${JSON.stringify(profile, null, 2)}\n`);
        })(),
        { objectMode: false },
      ),
  };

  const membership = keyset(groupMemberships.createdAt, groupMemberships.groupId);
  const thread = keyset(threads.createdAt, threads.id);
  const post = keyset(posts.createdAt, posts.id);
  const message = keyset(chatMessages.createdAt, chatMessages.id);
  const reaction = keyset(reactions.createdAt, sql`${reactions.postId} || ':' || ${reactions.kind}`);
  const rsvp = keyset(eventRsvps.createdAt, eventRsvps.eventId);
  const bookmark = keyset(resourceBookmarks.createdAt, resourceBookmarks.resourceId);
  const report = keyset(reports.createdAt, reports.id);
  const notice = keyset(moderationActions.createdAt, moderationActions.id);
  const consent = keyset(consents.givenAt, sql`${consents.kind}::text || ':' || ${consents.version}`);
  const block = keyset(userBlocks.createdAt, userBlocks.blockedId);
  const draft = keyset(drafts.updatedAt, drafts.key);
  const blockedMember = aliasedTable(users, "blocked_member");
  const postAuthor = aliasedTable(users, "post_author");
  const reported = aliasedTable(users, "reported_member");

  return [
    profile,
    file(
      "memberships.json",
      (after) =>
        db
          .select({ ...membership.select, group: groups.name, groupSlug: groups.slug, role: groupMemberships.role, status: groupMemberships.status, mutedUntil: groupMemberships.mutedUntil, since: groupMemberships.createdAt })
          .from(groupMemberships)
          .innerJoin(groups, eq(groups.id, groupMemberships.groupId))
          .where(and(eq(groupMemberships.userId, userId), membership.after(after)))
          .orderBy(...membership.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      (r) => ({ group: r.group, groupSlug: r.groupSlug, role: r.role, status: r.status, mutedUntil: iso(r.mutedUntil), since: iso(r.since) }),
    ),
    file(
      "threads.json",
      (after) =>
        db
          .select({ ...thread.select, id: threads.id, group: groups.name, title: threads.title, createdAt: threads.createdAt, deletedAt: threads.deletedAt, deletedBy: threads.deletedBy })
          .from(threads)
          .innerJoin(groups, eq(groups.id, threads.groupId))
          .where(and(eq(threads.authorId, userId), thread.after(after)))
          .orderBy(...thread.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      (r) => ({ id: r.id, group: r.group, title: r.title, createdAt: iso(r.createdAt), ...removal(r.deletedAt, r.deletedBy, userId) }),
    ),
    file(
      "posts.json",
      (after) =>
        db
          .select({ ...post.select, id: posts.id, threadId: posts.threadId, group: groups.name, opening: posts.isOpening, body: posts.body, createdAt: posts.createdAt, editedAt: posts.editedAt, deletedAt: posts.deletedAt, deletedBy: posts.deletedBy })
          .from(posts)
          .innerJoin(threads, eq(threads.id, posts.threadId))
          .innerJoin(groups, eq(groups.id, threads.groupId))
          .where(and(eq(posts.authorId, userId), post.after(after)))
          .orderBy(...post.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      (r) => ({
        id: r.id,
        threadId: r.threadId,
        group: r.group,
        openingPost: r.opening,
        body: r.body,
        createdAt: iso(r.createdAt),
        editedAt: iso(r.editedAt),
        ...removal(r.deletedAt, r.deletedBy, userId),
      }),
    ),
    file(
      "chat-messages.json",
      (after) =>
        db
          .select({ ...message.select, id: chatMessages.id, group: groups.name, room: chatRooms.name, body: chatMessages.body, voice: chatMessages.voice, createdAt: chatMessages.createdAt, deletedAt: chatMessages.deletedAt, deletedBy: chatMessages.deletedBy })
          .from(chatMessages)
          .innerJoin(chatRooms, eq(chatRooms.id, chatMessages.roomId))
          // Direct conversations have no group: their messages are the member's too.
          .leftJoin(groups, eq(groups.id, chatRooms.groupId))
          .where(and(eq(chatMessages.authorId, userId), message.after(after)))
          .orderBy(...message.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      (r) => ({ id: r.id, group: r.group, room: r.group === null ? "A direct conversation" : r.room, body: r.body, voiceNote: r.voice ? voiceNoteEntry(r.id, r.voice) : null, createdAt: iso(r.createdAt), ...removal(r.deletedAt, r.deletedBy, userId) }),
    ),
    file(
      "reactions.json",
      (after) =>
        db
          .select({ ...reaction.select, postId: reactions.postId, kind: reactions.kind, createdAt: reactions.createdAt, postAuthor: postAuthor.displayName })
          .from(reactions)
          .innerJoin(posts, eq(posts.id, reactions.postId))
          .innerJoin(postAuthor, eq(postAuthor.id, posts.authorId))
          .where(and(eq(reactions.userId, userId), reaction.after(after)))
          .orderBy(...reaction.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      // Whose post, by pseudonym only: their words are theirs, not part of this member's data.
      (r) => ({ postId: r.postId, postAuthor: r.postAuthor, reaction: r.kind, createdAt: iso(r.createdAt) }),
    ),
    file(
      "rsvps.json",
      (after) =>
        db
          .select({ ...rsvp.select, eventId: events.id, title: events.title, startsAt: events.startsAt, endsAt: events.endsAt, timeZone: events.timeZone, status: eventRsvps.status, createdAt: eventRsvps.createdAt, updatedAt: eventRsvps.updatedAt })
          .from(eventRsvps)
          .innerJoin(events, eq(events.id, eventRsvps.eventId))
          .where(and(eq(eventRsvps.userId, userId), rsvp.after(after)))
          .orderBy(...rsvp.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      (r) => ({ eventId: r.eventId, event: r.title, startsAt: iso(r.startsAt), endsAt: iso(r.endsAt), timeZone: r.timeZone, status: r.status, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }),
    ),
    file(
      "bookmarks.json",
      (after) =>
        db
          .select({ ...bookmark.select, resourceId: resources.id, title: resources.title, createdAt: resourceBookmarks.createdAt })
          .from(resourceBookmarks)
          .innerJoin(resources, eq(resources.id, resourceBookmarks.resourceId))
          .where(and(eq(resourceBookmarks.userId, userId), bookmark.after(after)))
          .orderBy(...bookmark.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      (r) => ({ resourceId: r.resourceId, resource: r.title, createdAt: iso(r.createdAt) }),
    ),
    file(
      "reports-filed.json",
      (after) =>
        db
          .select({
            ...report.select,
            id: reports.id,
            targetType: reports.targetType,
            targetId: reports.targetId,
            reportedMember: reported.displayName,
            group: groups.name,
            reason: reports.reason,
            details: reports.details,
            status: reports.status,
            createdAt: reports.createdAt,
            resolvedAt: reports.resolvedAt,
          })
          .from(reports)
          .leftJoin(groups, eq(groups.id, reports.groupId))
          .leftJoin(reported, and(eq(reports.targetType, "user"), eq(reported.id, reports.targetId)))
          .where(and(eq(reports.reporterId, userId), report.after(after)))
          .orderBy(...report.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      (r) => ({
        id: r.id,
        about: r.targetType,
        // A reported member by pseudonym; reported content by its id (its words are its author's).
        ...(r.targetType === "user" ? { member: r.reportedMember } : { contentId: r.targetId }),
        group: r.group,
        reason: r.reason,
        details: r.details,
        status: r.status,
        createdAt: iso(r.createdAt),
        resolvedAt: iso(r.resolvedAt),
      }),
    ),
    file(
      "notices-and-appeals.json",
      (after) =>
        db
          .select({
            ...notice.select,
            id: moderationActions.id,
            action: moderationActions.action,
            reason: moderationActions.reason,
            details: moderationActions.details,
            group: groups.name,
            createdAt: moderationActions.createdAt,
            appealBody: appeals.body,
            appealStatus: appeals.status,
            appealNote: appeals.decisionNote,
            appealedAt: appeals.createdAt,
            appealResolvedAt: appeals.resolvedAt,
          })
          .from(moderationActions)
          .leftJoin(groups, eq(groups.id, moderationActions.groupId))
          .leftJoin(appeals, and(eq(appeals.moderationActionId, moderationActions.id), eq(appeals.userId, userId)))
          .where(and(eq(moderationActions.subjectUserId, userId), notice.after(after)))
          .orderBy(...notice.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      // As the member's notice page shows it: "a moderator", never which one.
      (r) => ({
        id: r.id,
        action: r.action,
        reason: r.reason,
        until: typeof r.details.until === "string" ? r.details.until : null,
        group: r.group,
        createdAt: iso(r.createdAt),
        appeal: r.appealBody === null ? null : { body: r.appealBody, status: r.appealStatus, decisionNote: r.appealNote, createdAt: iso(r.appealedAt), resolvedAt: iso(r.appealResolvedAt) },
      }),
    ),
    file(
      "consents.json",
      (after) =>
        db
          .select({ ...consent.select, kind: consents.kind, version: consents.version, givenAt: consents.givenAt })
          .from(consents)
          .where(and(eq(consents.userId, userId), consent.after(after)))
          .orderBy(...consent.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      (r) => ({ kind: r.kind, version: r.version, givenAt: iso(r.givenAt) }),
    ),
    file(
      "blocked-members.json",
      (after) =>
        db
          .select({ ...block.select, member: blockedMember.displayName, since: userBlocks.createdAt })
          .from(userBlocks)
          .innerJoin(blockedMember, eq(blockedMember.id, userBlocks.blockedId))
          .where(and(eq(userBlocks.blockerId, userId), block.after(after)))
          .orderBy(...block.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      // Whom the member blocks, by pseudonym only (never an id). Who blocks them is theirs, not in here.
      (r) => ({ member: r.member, since: iso(r.since) }),
    ),
    file(
      "drafts.json",
      (after) =>
        db
          .select({ ...draft.select, key: drafts.key, group: groups.name, title: drafts.title, body: drafts.body, updatedAt: drafts.updatedAt })
          .from(drafts)
          .innerJoin(groups, eq(groups.id, drafts.groupId))
          .where(and(eq(drafts.userId, userId), draft.after(after)))
          .orderBy(...draft.orderBy)
          .limit(EXPORT_PAGE_SIZE),
      // Unposted drafts of threads, replies and edits (issue 15): the member's own words, kept even where they lost access.
      (r) => ({ draft: r.key, group: r.group, title: r.title, body: r.body, updatedAt: iso(r.updatedAt) }),
    ),
  ];
}

/** Removed content says who removed it, as "you" or "a moderator". */
function removal(deletedAt: Date | null, deletedBy: string | null, userId: string) {
  return { removedAt: iso(deletedAt), removedBy: deletedAt ? (deletedBy === userId ? "you" : "a moderator") : null };
}

/** The member's own uploads (library documents they added, chat voice notes they recorded): their storage keys and the names to file them under. */
export async function* ownUploads(app: AppContext, userId: string): AsyncGenerator<{ name: string; fileKey: string; size: number | null }> {
  const upload = keyset(resources.createdAt, resources.id);
  const rows = pages((after) =>
    app.db
      .select({ ...upload.select, id: resources.id, fileKey: resources.fileKey, fileName: resources.fileName, fileSize: resources.fileSize })
      .from(resources)
      .where(and(eq(resources.createdBy, userId), eq(resources.kind, "document"), sql`${resources.fileKey} is not null`, upload.after(after)))
      .orderBy(...upload.orderBy)
      .limit(EXPORT_PAGE_SIZE),
  );
  for await (const page of rows) {
    for (const r of page) yield { name: `uploads/${r.id}-${safeFileName(r.fileName ?? "file")}`, fileKey: r.fileKey!, size: r.fileSize };
  }
  // Their chat voice notes (removed ones too, like their removed messages in chat-messages.json).
  const note = keyset(chatMessages.createdAt, chatMessages.id);
  const notes = pages((after) =>
    app.db
      .select({ ...note.select, id: chatMessages.id, voice: chatMessages.voice })
      .from(chatMessages)
      .where(and(eq(chatMessages.authorId, userId), sql`${chatMessages.voice} is not null`, note.after(after)))
      .orderBy(...note.orderBy)
      .limit(EXPORT_PAGE_SIZE),
  );
  for await (const page of notes) {
    for (const r of page) yield { name: voiceNoteEntry(r.id, r.voice!), fileKey: r.voice!.key, size: r.voice!.bytes };
  }
}

/** Where a voice note's audio is in the ZIP (chat-messages.json names it). */
const voiceNoteEntry = (messageId: string, voice: ChatVoice) => `voice-notes/${messageId}.${voice.mime === "audio/ogg" ? "ogg" : "webm"}`;

/** A stored display name as a ZIP entry name: no folders, no dot-dot, no control characters. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, "_")
    .replace(/^\.+/, "")
    .slice(0, 120)
    .trim();
  return cleaned || "file";
}
