import { and, asc, desc, eq, gt, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import { events, groupMemberships, groups, organizationMembers, organizations, resourceBookmarks, resources, threads } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { Invalid, NotFound } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { renderGuide, renderMarkdown } from "#app/lib/markdown.server";
import { HEADLINE_OPTIONS, SNIPPET_STRIP, snippetParts, TITLE_OPTIONS } from "#app/lib/search-snippets";
import { assertGroupOfOrganization, organizationRoleOf, staffOrganizations } from "#app/modules/organizations/staff.server";
import { assertCan, can, type Actor, type OrgRole, type ResourceTarget } from "#app/policy.server";
import { forumVisibleSql, groupVisibleSql as groupVisibleSqlOf, resourceVisibleSql } from "#app/policy-sql.server";
import { joinedStanding, optionalGroupTargetOf, standingColumns, standingJoins, standingOf } from "#app/modules/groups/standing.server";
import { LIBRARY_PAGE_SIZE, parseTags, REVIEW_DUE_MONTHS, type LibraryQuery, type ResourceInput } from "./library.schema";
import { storageFor } from "./storage.server";
import type { UploadOutcome } from "./upload.server";
import { afterResourceCommit, afterResourceWrite, type SavedResource } from "./saved.server";
import { bestPageColumns, pageMatchOf, resourceOrPagesMatch, resourceSearchRank } from "./pdf-search.server";
import { lockForVersion } from "./versions.server";
import { refuseWatchedWords } from "#app/modules/safety/watched.server";
import { tagFilterSql, tagRankSql, tagsMatchSql } from "./tags.server";

/**
 * The resource library: organization-curated links, guides and documents. Every function takes the
 * AppContext and the viewer and asks the policy; lists are one query (joins, no query per row) and
 * keyset-paginated; the SQL visibility filter is the twin of `library.view` (checked again per row).
 */

type Upload = Extract<UploadOutcome, { ok: true }>;

/** Keyset cursors carry timestamps at the database's microsecond precision, as text. */
const utcText = (col: SQL | typeof resources.createdAt) => sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The viewer's standing in a resource's group, and their role in the organization that curates it. */
const resourceStanding = (viewer: Actor | null) =>
  standingJoins(viewer?.id ?? null, { groupId: resources.groupId, organizationId: resources.organizationId });

/** One query for a resource (or a page of them) with everything the policy and the page need. */

function baseResourceQuery(app: AppContext, viewer: Actor | null, extra: { bookmarkedAt?: boolean } = {}) {
  const id = viewer?.id ?? "";
  const on = resourceStanding(viewer);
  const query = app.db
    .select({
      id: resources.id,
      organizationId: resources.organizationId,
      groupId: resources.groupId,
      kind: resources.kind,
      category: resources.category,
      title: resources.title,
      summary: resources.summary,
      body: resources.body,
      url: resources.url,
      fileName: resources.fileName,
      fileSize: resources.fileSize,
      fileMime: resources.fileMime,
      tags: resources.tags,
      reviewedAt: resources.reviewedAt,
      retiredAt: resources.retiredAt,
      createdAt: resources.createdAt,
      createdKey: utcText(resources.createdAt),
      updatedAt: resources.updatedAt,
      organization: { slug: organizations.slug, name: organizations.name, verified: sql<boolean>`${organizations.verifiedAt} is not null` },
      groupSlug: groups.slug,
      groupName: groups.name,
      groupVisibility: groups.visibility,
      groupJoinPolicy: groups.joinPolicy,
      groupForumPublic: groups.forumPublic,
      ...standingColumns,
      bookmarkedAt: resourceBookmarks.createdAt,
      bookmarkKey: utcText(sql`${resourceBookmarks.createdAt}`),
    })
    .from(resources)
    .innerJoin(organizations, eq(organizations.id, resources.organizationId))
    .leftJoin(groups, eq(groups.id, resources.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole);
  const bookmarkOn = and(eq(resourceBookmarks.resourceId, resources.id), eq(resourceBookmarks.userId, id));
  return extra.bookmarkedAt ? query.innerJoin(resourceBookmarks, bookmarkOn) : query.leftJoin(resourceBookmarks, bookmarkOn);
}

type ResourceRow = Awaited<ReturnType<ReturnType<typeof baseResourceQuery>["execute"]>>[number];

function targetOf(row: ResourceRow): ResourceTarget {
  const orgRole: OrgRole | null = row.orgRole ?? null;
  const group = optionalGroupTargetOf(row);
  return { kind: "resource", orgRole, group, resource: { retired: row.retiredAt !== null } };
}

/** True when the last review is more than REVIEW_DUE_MONTHS ago (or there never was one). */
export function isReviewDue(reviewedAt: Date | null, now = new Date()): boolean {
  if (!reviewedAt) return true;
  const due = new Date(reviewedAt);
  due.setUTCMonth(due.getUTCMonth() + REVIEW_DUE_MONTHS);
  return now.getTime() >= due.getTime();
}

function toResourceView(viewer: Actor | null, row: ResourceRow, now = new Date()) {
  const target = targetOf(row);
  const permissions = {
    view: can(viewer, "library.view", target),
    edit: can(viewer, "library.edit", target),
    review: can(viewer, "library.review", target),
    retire: can(viewer, "library.retire", target),
    restore: can(viewer, "library.restore", target),
    bookmark: can(viewer, "library.bookmark", target),
    downloadFile: can(viewer, "library.downloadFile", target),
  };
  return {
    id: row.id,
    organizationId: row.organizationId,
    kind: row.kind,
    category: row.category,
    title: row.title,
    /** Markdown source: render with renderMarkdown before showing. */
    summary: row.summary,
    body: row.body,
    url: row.url,
    file: row.kind === "document" && row.fileName ? { name: row.fileName, size: row.fileSize ?? 0, mime: row.fileMime ?? "" } : null,
    tags: row.tags,
    reviewedAt: row.reviewedAt,
    /** Shown to the organization's staff as "review due"; readers see "last reviewed <date>". */
    reviewDue: isReviewDue(row.reviewedAt, now),
    retiredAt: row.retiredAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    organization: row.organization,
    group: row.groupId && row.groupSlug ? { id: row.groupId, slug: row.groupSlug, name: row.groupName ?? "", private: row.groupVisibility === "private" } : null,
    bookmarked: row.bookmarkedAt !== null,
    target,
    permissions,
  };
}
export type ResourceView = ReturnType<typeof toResourceView>;

/** `library.view` in SQL, over the standing baseResourceQuery joins (app/policy-sql.server.ts). */
function visibleToSql(viewer: Actor | null): SQL {
  return resourceVisibleSql(viewer, { ...joinedStanding, groupId: resources.groupId, retiredAt: resources.retiredAt });
}

/** `group.view` for any table with a group column (related threads and events): null groups are visible. */
function groupVisibleSql(viewer: Actor | null, groupIdCol: SQL, orgIdCol: SQL) {
  return or(isNull(groupIdCol), groupVisibleSqlOf(viewer, standingOf(viewer?.id ?? null, groupIdCol, orgIdCol)));
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

/**
 * The library listing: newest first, keyset-paginated on (created_at, id); with `q`, full-text
 * search over title, summary, guide body and PDF pages (websearch syntax), ranked, keyset on (rank, id), with
 * highlighted title and snippet; tags match too. Filters (combined) by category, organization slug, group slug
 * and tag. Two queries in parallel: the page and the total (for "12 resources tagged botox").
 */
export async function listResources(app: AppContext, viewer: Actor | null, query: Partial<LibraryQuery> = {}, now = new Date()) {
  const q = query.q?.trim() ?? "";
  const filters = and(
    visibleToSql(viewer),
    query.category ? eq(resources.category, query.category) : undefined,
    query.organization ? eq(organizations.slug, query.organization) : undefined,
    query.group ? eq(groups.slug, query.group) : undefined,
    tagFilterSql(query.tag),
  );
  if (!q) {
    const cursor = decodeCursor(query.after, ["time", "text"]);
    const keyset = cursor
      ? or(
          lt(resources.createdAt, sql`${String(cursor[0])}::timestamptz`),
          and(eq(resources.createdAt, sql`${String(cursor[0])}::timestamptz`), lt(resources.id, String(cursor[1]))),
        )
      : undefined;
    const [rows, total] = await Promise.all([
      baseResourceQuery(app, viewer)
        .where(and(filters, keyset))
        .orderBy(desc(resources.createdAt), desc(resources.id))
        .limit(LIBRARY_PAGE_SIZE + 1),
      countResources(app, viewer, filters),
    ]);
    const page = rows.slice(0, LIBRARY_PAGE_SIZE);
    const last = page.at(-1);
    return {
      q,
      total,
      resources: page.map((r) => ({ ...toResourceView(viewer, r, now), match: null })).filter((r) => r.permissions.view),
      nextCursor: rows.length > LIBRARY_PAGE_SIZE && last ? encodeCursor([last.createdKey, last.id]) : null,
    };
  }
  const tsq = sql`websearch_to_tsquery('english', ${q})`;
  // PDFs' pages count too (pdf-search.server.ts).
  // Tags match too (tags.server.ts): a tag match adds about a title word's rank.
  const rank = sql<number>`(${resourceSearchRank(tsq)} + ${tagRankSql(tsq)})`;
  const cursor = decodeCursor(query.after, ["number", "text"]);
  const cursorRank = cursor && typeof cursor[0] === "number" && Number.isFinite(cursor[0]) ? cursor[0] : null;
  const keyset =
    cursor && cursorRank !== null
      ? or(sql`${rank} < ${cursorRank}::real`, and(sql`${rank} = ${cursorRank}::real`, gt(resources.id, String(cursor[1]))))
      : undefined;
  const matches = and(or(resourceOrPagesMatch(tsq), tagsMatchSql(tsq)), filters);
  const [rows, total] = await Promise.all([
    baseResourceQuery(app, viewer).where(and(matches, keyset)).orderBy(desc(rank), asc(resources.id)).limit(LIBRARY_PAGE_SIZE + 1),
    countResources(app, viewer, matches),
  ]);
  // Highlights for this page only, in a second bounded query (ts_headline is costly; never per row).
  const page = rows.slice(0, LIBRARY_PAGE_SIZE);
  const ids = page.map((r) => r.id);
  const highlights = ids.length
    ? await app.db
        .select({
          id: resources.id,
          rank,
          title: sql<string>`ts_headline('english', translate(${resources.title}, ${SNIPPET_STRIP}, ''), ${tsq}, ${TITLE_OPTIONS})`,
          snippet: sql<string>`ts_headline('english', translate(${resources.summary} || E'\n' || ${resources.body}, ${SNIPPET_STRIP}, ''), ${tsq}, ${HEADLINE_OPTIONS})`,
          ...bestPageColumns(tsq),
        })
        .from(resources)
        .where(sql`${resources.id} in ${ids}`)
    : [];
  const byId = new Map(highlights.map((h) => [h.id, h]));
  const last = page.at(-1);
  const lastRank = last ? byId.get(last.id)?.rank : undefined;
  return {
    q,
    total,
    resources: page
      .map((r) => {
        const h = byId.get(r.id);
        const page = pageMatchOf(h);
        const match = h ? { title: snippetParts(h.title), snippet: page?.snippet ?? snippetParts(h.snippet), page: page?.page ?? null } : null;
        return { ...toResourceView(viewer, r, now), match };
      })
      .filter((r) => r.permissions.view),
    nextCursor: rows.length > LIBRARY_PAGE_SIZE && last && lastRank !== undefined ? encodeCursor([Number(lastRank), last.id]) : null,
  };
}

/**
 * For the member's home: resources added since `since` in the groups they are active in, and their
 * organizations' resources outside any group (organizations of those groups, or whose staff they
 * are), newest first, through the same visibility filter and per-row policy check. One query.
 */
export async function listNewResourcesForMember(app: AppContext, viewer: Actor, since: Date, limit: number) {
  const myGroups = sql`(select gm.group_id from ${groupMemberships} gm where gm.user_id = ${viewer.id} and gm.status = 'active')`;
  const myOrgs = sql`(
    select g.organization_id from ${groupMemberships} gm join ${groups} g on g.id = gm.group_id
    where gm.user_id = ${viewer.id} and gm.status = 'active'
    union select om.organization_id from ${organizationMembers} om where om.user_id = ${viewer.id}
  )`;
  const rows = await baseResourceQuery(app, viewer)
    .where(
      and(
        visibleToSql(viewer),
        isNull(resources.retiredAt),
        gt(resources.createdAt, since),
        or(sql`${resources.groupId} in ${myGroups}`, and(isNull(resources.groupId), sql`${resources.organizationId} in ${myOrgs}`)),
      ),
    )
    .orderBy(desc(resources.createdAt), desc(resources.id))
    .limit(limit + 1);
  const page = rows.map((r) => toResourceView(viewer, r, app.clock.now())).filter((r) => r.permissions.view);
  return { resources: page.slice(0, limit), more: rows.length > limit };
}

/** Organizations that have resources the viewer may see, for the filter. */
export async function listLibraryOrganizations(app: AppContext, viewer: Actor | null) {
  const rows = await app.db
    .selectDistinct({ slug: organizations.slug, name: organizations.name })
    .from(resources)
    .innerJoin(organizations, eq(organizations.id, resources.organizationId))
    .leftJoin(groups, eq(groups.id, resources.groupId))
    .leftJoin(groupMemberships, resourceStanding(viewer).membership)
    .leftJoin(organizationMembers, resourceStanding(viewer).orgRole)
    .where(visibleToSql(viewer))
    .orderBy(asc(organizations.name))
    .limit(200);
  return rows;
}

/** How many resources a listing's conditions match (over the joins visibleToSql needs), for "12 resources tagged botox". */
async function countResources(app: AppContext, viewer: Actor | null, where: SQL | undefined): Promise<number> {
  const on = resourceStanding(viewer);
  const [row] = await app.db
    .select({ n: sql<number>`count(*)::int` })
    .from(resources)
    .innerJoin(organizations, eq(organizations.id, resources.organizationId))
    .leftJoin(groups, eq(groups.id, resources.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(where);
  return Number(row?.n ?? 0);
}

/** The groups with resources the viewer may see, and the tags in use on those resources, for the list's filters. */
export async function listLibraryFilters(app: AppContext, viewer: Actor | null) {
  const on = resourceStanding(viewer);
  const [groupRows, tagRows] = await Promise.all([
    app.db
      .selectDistinct({ slug: groups.slug, name: groups.name })
      .from(resources)
      .innerJoin(groups, eq(groups.id, resources.groupId))
      .leftJoin(groupMemberships, on.membership)
      .leftJoin(organizationMembers, on.orgRole)
      .where(visibleToSql(viewer))
      .orderBy(asc(groups.name))
      .limit(200),
    app.db
      .selectDistinct({ tag: sql<string>`unnest(${resources.tags})`.as("tag") })
      .from(resources)
      .leftJoin(groups, eq(groups.id, resources.groupId))
      .leftJoin(groupMemberships, on.membership)
      .leftJoin(organizationMembers, on.orgRole)
      .where(visibleToSql(viewer))
      .orderBy(sql`1`)
      .limit(300),
  ]);
  return { groups: groupRows, tags: tagRows.map((r) => r.tag) };
}

/** One resource as the viewer sees it (target and permissions), no policy check: callers ask. */
export async function findResource(app: AppContext, viewer: Actor | null, resourceId: string) {
  const [row] = await baseResourceQuery(app, viewer).where(eq(resources.id, resourceId)).limit(1);
  if (!row) throw NotFound("That resource");
  return toResourceView(viewer, row);
}

/** Threads the viewer may read (forumVisibleSql) and upcoming events of groups they can see, whose titles mention one of the resource's tags. */
async function relatedTo(app: AppContext, viewer: Actor | null, tags: string[]) {
  const words = tags.map((t) => t.replace(/["']/g, " ").trim()).filter(Boolean);
  if (words.length === 0) return { threads: [], events: [] };
  const tsq = sql`websearch_to_tsquery('english', ${words.map((w) => `"${w}"`).join(" or ")})`;
  const [threadRows, eventRows] = await Promise.all([
    app.db
      .select({ id: threads.id, title: threads.title, groupSlug: groups.slug, groupName: groups.name })
      .from(threads)
      .innerJoin(groups, eq(groups.id, threads.groupId))
      .where(and(sql`${threads.search} @@ ${tsq}`, isNull(threads.deletedAt), forumVisibleSql(viewer, { ...standingOf(viewer?.id ?? null, sql`${threads.groupId}`, sql`${groups.organizationId}`), membersOnly: threads.membersOnly })))
      .orderBy(desc(threads.lastActivityAt))
      .limit(5),
    app.db
      .select({ id: events.id, title: events.title, startsAt: events.startsAt, timeZone: events.timeZone })
      .from(events)
      .where(
        and(
          sql`to_tsvector('english', ${events.title}) @@ ${tsq}`,
          ne(events.status, "cancelled"),
          gt(events.endsAt, new Date()),
          groupVisibleSql(viewer, sql`${events.groupId}`, sql`${events.organizationId}`),
        ),
      )
      .orderBy(asc(events.startsAt))
      .limit(5),
  ]);
  return { threads: threadRows, events: eventRows };
}

/** A guide's body with real headings, and those headings for the page's contents list. */
function guideOf(body: string | null) {
  if (!body) return { bodyHtml: "", contents: [] };
  const { html, headings } = renderGuide(body);
  return { bodyHtml: html, contents: headings };
}

/** One resource page: 404 for private groups' resources (outsiders) and retired ones (readers). */
export async function getResource(app: AppContext, viewer: Actor | null, resourceId: string) {
  const resource = await findResource(app, viewer, resourceId);
  assertCan(viewer, "library.view", resource.target, "That resource");
  const related = await relatedTo(app, viewer, resource.tags);
  return {
    ...resource,
    summaryHtml: resource.summary ? renderMarkdown(resource.summary) : "",
    ...guideOf(resource.body),
    related,
  };
}

/** The viewer's bookmarks, newest first, keyset on (bookmarked_at, id); resources they can no longer see drop out. */
export async function listBookmarks(app: AppContext, viewer: Actor, after?: string | null) {
  const cursor = decodeCursor(after, ["time", "text"]);
  const keyset = cursor
    ? or(
        lt(resourceBookmarks.createdAt, sql`${String(cursor[0])}::timestamptz`),
        and(eq(resourceBookmarks.createdAt, sql`${String(cursor[0])}::timestamptz`), lt(resources.id, String(cursor[1]))),
      )
    : undefined;
  const rows = await baseResourceQuery(app, viewer, { bookmarkedAt: true })
    .where(and(visibleToSql(viewer), keyset))
    .orderBy(desc(resourceBookmarks.createdAt), desc(resources.id))
    .limit(LIBRARY_PAGE_SIZE + 1);
  const page = rows.slice(0, LIBRARY_PAGE_SIZE);
  const last = page.at(-1);
  return {
    resources: page.map((r) => toResourceView(viewer, r)).filter((r) => r.permissions.view),
    nextCursor: rows.length > LIBRARY_PAGE_SIZE && last ? encodeCursor([last.bookmarkKey, last.id]) : null,
  };
}

/** The organizations (and their groups) the viewer may add resources for; site admins may curate any. */
export function listCuratorChoices(app: AppContext, viewer: Actor | null) {
  return staffOrganizations(app, viewer, { siteAdminSeesAll: true });
}

// ── curating ─────────────────────────────────────────────────────────────────────────────────



/** Only the fields of the resource's kind are kept. */
function contentOf(kind: ResourceInput["kind"], input: ResourceInput) {
  return {
    title: input.title,
    summary: input.summary ?? "",
    body: kind === "guide" ? (input.body ?? "") : "",
    url: kind === "link" ? (input.url ?? null) : null,
    category: input.category,
    tags: parseTags(input.tags),
    groupId: input.groupId || null,
  };
}

function savedOf(
  resourceId: string,
  organizationId: string,
  kind: SavedResource["kind"],
  editorId: string,
  content: ReturnType<typeof contentOf>,
  newFile: boolean,
): SavedResource {
  return { resourceId, organizationId, kind, editorId, title: content.title, summary: content.summary, body: content.body, tags: content.tags, newFile };
}

/** Moves an accepted upload into storage under a new random key. */
async function storeUpload(app: AppContext, upload: Upload) {
  const key = newId(18);
  await storageFor(app).put(key, upload.tempPath);
  return { fileKey: key, fileName: upload.fileName, fileSize: upload.size, fileMime: upload.mime };
}

function requireDocument(upload: UploadOutcome | null): Upload {
  if (!upload) throw Invalid("Choose the document to upload.", { file: ["Choose a PDF, PNG or JPEG file (at most 10 MB)."] });
  if (!upload.ok) throw Invalid(upload.message, { file: [upload.message] });
  return upload;
}

/** Adds a resource for an organization the viewer is staff of; new resources count as reviewed now. */
export const resourceCreateRate: RateRule = {
  limit: 20,
  windowSeconds: 60 * 60,
  message: "You have added many resources in a short time. What you entered is kept here.",
};

export async function createResource(app: AppContext, viewer: Actor | null, input: ResourceInput, upload: UploadOutcome | null = null) {
  const orgRole = await organizationRoleOf(app, viewer, input.organizationId);
  assertCan(viewer, "library.create", { orgRole }, "That organization");
  await assertGroupOfOrganization(app, input.groupId, input.organizationId);
  await refuseWatchedWords(app.db, input.organizationId, { title: input.title, summary: input.summary, body: input.kind === "guide" ? input.body : "" });
  return withinRate(app.limiter, `library:create:${viewer!.id}`, resourceCreateRate, () => insertResource(app, viewer!.id, input, upload));
}

async function insertResource(app: AppContext, viewerId: string, input: ResourceInput, upload: UploadOutcome | null) {
  const file = input.kind === "document" ? await storeUpload(app, requireDocument(upload)) : null;
  const id = newId();
  const content = contentOf(input.kind, input);
  const saved = savedOf(id, input.organizationId, input.kind, viewerId, content, file !== null);
  try {
    await app.db.transaction(async (tx) => {
      await tx.insert(resources).values({
        id,
        organizationId: input.organizationId,
        kind: input.kind,
        ...content,
        ...(file ?? {}),
        reviewedAt: new Date(),
        reviewedBy: viewerId,
        createdBy: viewerId,
      });
      await afterResourceWrite(tx, saved);
    });
  } catch (e) {
    if (file) await storageFor(app).delete(file.fileKey);
    throw e;
  }
  await afterResourceCommit(app, saved);
  return { id };
}

/** Edits a resource (its kind and organization stay); a document may get a new file. */
export async function updateResource(
  app: AppContext,
  viewer: Actor | null,
  resourceId: string,
  input: ResourceInput,
  upload: UploadOutcome | null = null,
  options: { restoredFrom?: number } = {},
) {
  const before = await findResource(app, viewer, resourceId);
  assertCan(viewer, "library.edit", before.target, "That resource");
  if (input.organizationId !== before.organizationId) {
    throw Invalid("A resource can't move to another organization.", { organizationId: ["A resource can't move to another organization."] });
  }
  if (input.kind !== before.kind) throw Invalid("A resource can't change its kind.", { kind: ["A resource can't change its kind."] });
  await assertGroupOfOrganization(app, input.groupId, before.organizationId);
  await refuseWatchedWords(app.db, before.organizationId, { title: input.title, summary: input.summary, body: before.kind === "guide" ? input.body : "" });
  if (upload && !upload.ok) throw Invalid(upload.message, { file: [upload.message] });
  const file = before.kind === "document" && upload?.ok ? await storeUpload(app, upload) : null;
  const [old] = file ? await app.db.select({ fileKey: resources.fileKey }).from(resources).where(eq(resources.id, resourceId)) : [];
  const content = contentOf(before.kind, input);
  const saved = { ...savedOf(resourceId, before.organizationId, before.kind, viewer!.id, content, file !== null), restoredFrom: options.restoredFrom };
  try {
    await app.db.transaction(async (tx) => {
      // Locks the row (concurrent saves take version numbers in turn) and keeps a pre-versions resource's content as version 1.
      await lockForVersion(tx, resourceId);
      await tx
        .update(resources)
        .set({ ...content, ...(file ?? {}), updatedAt: sql`now()` })
        .where(eq(resources.id, resourceId));
      await afterResourceWrite(tx, saved);
    });
  } catch (e) {
    if (file) await storageFor(app).delete(file.fileKey);
    throw e;
  }
  if (file && old?.fileKey) await storageFor(app).delete(old.fileKey);
  await afterResourceCommit(app, saved);
  return { id: resourceId };
}

/** Renews the "reviewed by <organization> on <date>" stamp. */
export async function reviewResource(app: AppContext, viewer: Actor | null, resourceId: string, now = new Date()) {
  const r = await findResource(app, viewer, resourceId);
  assertCan(viewer, "library.review", r.target, "That resource");
  await app.db.update(resources).set({ reviewedAt: now, reviewedBy: viewer!.id }).where(eq(resources.id, resourceId));
  return { reviewedAt: now };
}

/** Retires a resource: readers no longer see it (nor its file); staff can restore it. */
export async function retireResource(app: AppContext, viewer: Actor | null, resourceId: string) {
  const r = await findResource(app, viewer, resourceId);
  assertCan(viewer, "library.retire", r.target, "That resource");
  await app.db.update(resources).set({ retiredAt: new Date(), retiredBy: viewer!.id }).where(eq(resources.id, resourceId));
}

export async function restoreResource(app: AppContext, viewer: Actor | null, resourceId: string) {
  const r = await findResource(app, viewer, resourceId);
  assertCan(viewer, "library.restore", r.target, "That resource");
  await app.db.update(resources).set({ retiredAt: null, retiredBy: null }).where(eq(resources.id, resourceId));
}

export async function bookmarkResource(app: AppContext, viewer: Actor | null, resourceId: string) {
  const r = await findResource(app, viewer, resourceId);
  assertCan(viewer, "library.bookmark", r.target, "That resource");
  await app.db.insert(resourceBookmarks).values({ userId: viewer!.id, resourceId }).onConflictDoNothing();
}

export async function unbookmarkResource(app: AppContext, viewer: Actor | null, resourceId: string) {
  const r = await findResource(app, viewer, resourceId);
  assertCan(viewer, "library.view", r.target, "That resource");
  if (!viewer) throw NotFound("That bookmark");
  await app.db.delete(resourceBookmarks).where(and(eq(resourceBookmarks.userId, viewer.id), eq(resourceBookmarks.resourceId, resourceId)));
}

/** A document's bytes for those who may see the resource; 404 for everyone else (and for links and guides). */
export async function getResourceFile(app: AppContext, viewer: Actor | null, resourceId: string) {
  const [row] = await baseResourceQuery(app, viewer).where(eq(resources.id, resourceId)).limit(1);
  if (!row) throw NotFound("That file");
  const view = toResourceView(viewer, row);
  assertCan(viewer, "library.downloadFile", view.target, "That file");
  const [file] = await app.db
    .select({ key: resources.fileKey, name: resources.fileName, mime: resources.fileMime })
    .from(resources)
    .where(eq(resources.id, resourceId));
  if (!file?.key || !file.name || !file.mime) throw NotFound("That file");
  const stored = await storageFor(app).get(file.key);
  if (!stored) throw NotFound("That file");
  return { ...stored, name: file.name, mime: file.mime };
}
