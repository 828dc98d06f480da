import { and, desc, eq, sql } from "drizzle-orm";
import { drafts, groupMemberships, groups, organizationMembers, posts, threads } from "#db/schema/index";
import type { Transaction } from "#db/client";
import type { AppContext } from "#app/lib/app-context.server";
import { DomainError, NotFound, Unauthenticated } from "#app/lib/errors";
import { groupStandingColumns, groupTargetOf, standingJoins } from "#app/modules/groups/standing.server";
import { assertCan, can, type Actor, type GroupTarget } from "#app/policy.server";
import { parseDraftKey, type DraftView, type SaveDraftInput } from "./drafts.schema";

/**
 * Server drafts (issue 15): a new thread, a reply or an edit, saved while the person types so a
 * closed tab, a crash or another device loses nothing. One row per (person, key). A draft is the
 * person's own: saving asks the policy (`draft.save` on the group, and the thread or post must be
 * one they could write to: 404 otherwise, nothing stored); reading, listing and discarding their own
 * drafts need nothing more, so a draft outlives lost access (it is in their data export too).
 */

/** A save based on an older revision than the stored one (another tab or device wrote since). Carries the stored draft. */
export class DraftConflict extends DomainError {
  constructor(readonly stored: DraftView) {
    super("conflict", "This draft was changed in another tab or on another device since. Keep yours, or use the newer one?");
  }
}

const view = (r: { key: string; title: string; body: string; revision: number; updatedAt: Date }): DraftView => ({
  key: r.key,
  title: r.title,
  body: r.body,
  revision: r.revision,
  updatedAt: r.updatedAt.toISOString(),
});

const draftColumns = { key: drafts.key, title: drafts.title, body: drafts.body, revision: drafts.revision, updatedAt: drafts.updatedAt };

function signedIn(viewer: Actor | null): Actor {
  if (!viewer) throw Unauthenticated("You're signed out. Your text is kept on this device: sign in to save it.");
  return viewer;
}

/** Where a key points, checked against the viewer: the group, thread and post ids to store. 404 when it names nothing they may write to. */
async function resolveKey(app: AppContext, viewer: Actor, key: string) {
  const parsed = parseDraftKey(key);
  if (!parsed) throw NotFound("That draft");
  const on = standingJoins(viewer.id);
  const base = { groupId: groups.id, ...groupStandingColumns };
  let row: ({ groupId: string; threadId: string | null; postId: string | null; ok: boolean } & Parameters<typeof groupTargetOf>[0]) | undefined;
  if (parsed.kind === "thread") {
    const [r] = await app.db
      .select({ ...base, threadId: sql<string | null>`null`, postId: sql<string | null>`null`, ok: sql<boolean>`true` })
      .from(groups)
      .leftJoin(groupMemberships, on.membership)
      .leftJoin(organizationMembers, on.orgRole)
      .where(eq(groups.id, parsed.id))
      .limit(1);
    row = r;
  } else if (parsed.kind === "reply") {
    const [r] = await app.db
      .select({ ...base, threadId: threads.id, postId: sql<string | null>`null`, ok: sql<boolean>`${threads.deletedAt} is null` })
      .from(threads)
      .innerJoin(groups, eq(groups.id, threads.groupId))
      .leftJoin(groupMemberships, on.membership)
      .leftJoin(organizationMembers, on.orgRole)
      .where(eq(threads.id, parsed.id))
      .limit(1);
    row = r;
  } else {
    const [r] = await app.db
      .select({
        ...base,
        threadId: threads.id,
        postId: posts.id,
        // Only one's own post, still there, in a thread still there.
        ok: sql<boolean>`(${posts.authorId} = ${viewer.id} and ${posts.deletedAt} is null and ${threads.deletedAt} is null)`,
      })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(groups, eq(groups.id, threads.groupId))
      .leftJoin(groupMemberships, on.membership)
      .leftJoin(organizationMembers, on.orgRole)
      .where(eq(posts.id, parsed.id))
      .limit(1);
    row = r;
  }
  if (!row) throw NotFound("That draft's place");
  const target: GroupTarget = groupTargetOf(row);
  if (!can(viewer, "forum.read", target) || !row.ok) throw NotFound("That draft's place");
  assertCan(viewer, "draft.save", target);
  return { groupId: row.groupId, threadId: row.threadId, postId: row.postId };
}

/**
 * Saves (upserts) a draft. `revision` is the one the tab last saw: a save based on an older one than
 * stored is refused with DraftConflict (the stored draft travels with it), in the same statement as
 * the write, so two tabs never overwrite newer text. An empty title and body deletes the draft.
 */
export async function saveDraft(app: AppContext, viewer: Actor | null, input: SaveDraftInput): Promise<DraftView | null> {
  const actor = signedIn(viewer);
  const where = await resolveKey(app, actor, input.key);
  if (input.title.trim() === "" && input.body.trim() === "") {
    await discardDraft(app, actor, input.key);
    return null;
  }
  const [saved] = await app.db
    .insert(drafts)
    .values({ userId: actor.id, key: input.key, ...where, title: input.title, body: input.body, revision: 1 })
    .onConflictDoUpdate({
      target: [drafts.userId, drafts.key],
      set: { title: input.title, body: input.body, revision: sql`${drafts.revision} + 1`, updatedAt: sql`now()` },
      setWhere: sql`${drafts.revision} <= ${input.revision}`,
    })
    .returning(draftColumns);
  if (saved) return view(saved);
  const stored = await getDraft(app, actor, input.key);
  // Gone between the two statements (discarded elsewhere): save again as new.
  if (!stored) return saveDraft(app, actor, { ...input, revision: 0 });
  throw new DraftConflict(stored);
}

/** One of the viewer's own drafts, or null. */
export async function getDraft(app: AppContext, viewer: Actor | null, key: string): Promise<DraftView | null> {
  if (!viewer) return null;
  const [row] = await app.db
    .select(draftColumns)
    .from(drafts)
    .where(and(eq(drafts.userId, viewer.id), eq(drafts.key, key)))
    .limit(1);
  return row ? view(row) : null;
}

export const DRAFTS_HOME_LIMIT = 10;

export interface DraftListItem {
  key: string;
  /** The title, or the body's first line. */
  label: string;
  /** "New thread in …", "Reply to …", "Edit in …". */
  where: string;
  updatedAt: string;
  /** Where to resume it. */
  href: string;
}

const firstLine = (s: string) => {
  const line = s.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
};

/** The viewer's drafts, newest first (the home page's "Your drafts"): one query. */
export async function listDrafts(app: AppContext, viewer: Actor, limit = DRAFTS_HOME_LIMIT): Promise<DraftListItem[]> {
  const rows = await app.db
    .select({
      ...draftColumns,
      threadId: drafts.threadId,
      postId: drafts.postId,
      groupSlug: groups.slug,
      groupName: groups.name,
      threadTitle: threads.title,
    })
    .from(drafts)
    .innerJoin(groups, eq(groups.id, drafts.groupId))
    .leftJoin(threads, eq(threads.id, drafts.threadId))
    .where(eq(drafts.userId, viewer.id))
    .orderBy(desc(drafts.updatedAt), desc(drafts.key))
    .limit(limit);
  return rows.map((r) => {
    const kind = parseDraftKey(r.key)?.kind ?? "thread";
    const forum = `/groups/${r.groupSlug}/forum`;
    const href =
      kind === "thread" ? `${forum}/new` : kind === "reply" ? `${forum}/${r.threadId}#reply` : `${forum}/${r.threadId}/posts/${r.postId}/edit`;
    const where =
      kind === "thread" ? `New thread in ${r.groupName}` : kind === "reply" ? `Reply to “${r.threadTitle ?? "a thread"}” in ${r.groupName}` : `Edit in “${r.threadTitle ?? "a thread"}”, ${r.groupName}`;
    return { key: r.key, label: firstLine(r.title) || firstLine(r.body) || "(empty draft)", where, updatedAt: r.updatedAt.toISOString(), href };
  });
}

/** Discards one of the viewer's own drafts (whether or not they may still write there). */
export async function discardDraft(app: AppContext, viewer: Actor | null, key: string) {
  const actor = signedIn(viewer);
  await app.db.delete(drafts).where(and(eq(drafts.userId, actor.id), eq(drafts.key, key)));
}

/** The write paths call this once their post is in: the draft it came from is done. */
export async function deleteDraftAfterPost(db: AppContext | Transaction, userId: string, key: string) {
  const conn = "db" in db ? db.db : db;
  await conn.delete(drafts).where(and(eq(drafts.userId, userId), eq(drafts.key, key)));
}

/** The keys the forms use. */
export const draftKeys = {
  thread: (groupId: string) => `thread:${groupId}`,
  reply: (threadId: string) => `reply:${threadId}`,
  edit: (postId: string) => `edit:${postId}`,
};
