import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { groupMemberships, groups, organizationMembers, posts, threads, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { HEADLINE_OPTIONS, SNIPPET_STRIP, snippetParts, TITLE_OPTIONS } from "#app/lib/search-snippets";
import { staffStanding } from "#app/modules/groups/staff-standing.server";
import { joinedStanding, standingJoins } from "#app/modules/groups/standing.server";
import type { Actor } from "#app/policy.server";
import { forumVisibleSql } from "#app/policy-sql.server";
import { SEARCH_CANDIDATES, SEARCH_PAGE_SIZE } from "./forums.schema";
import { getForum } from "./threads.server";

/**
 * Full-text search over thread titles and post bodies (websearch syntax: "quoted phrases", -not, or),
 * ranked, with highlighted snippets. Only what the viewer may read: the visibility filter is part of
 * the SQL (policy-sql's forumVisibleSql, the twin of forum.read), removed and deleted content never matches. Bounded
 * pages (SEARCH_MAX_PAGES × SEARCH_PAGE_SIZE).
 */
export async function searchForums(
  app: AppContext,
  viewer: Actor | null,
  input: { q: string; group?: string; page?: number },
) {
  const q = input.q.trim();
  const page = Math.max(1, input.page ?? 1);
  let scopedGroup: { id: string; slug: string; name: string } | null = null;
  if (input.group) {
    const forum = await getForum(app, viewer, input.group);
    scopedGroup = { id: forum.group.id, slug: forum.group.slug, name: forum.group.name };
  }
  if (!q) return { q, group: scopedGroup, results: [], hasMore: false, page };

  const query = sql`websearch_to_tsquery('english', ${q})`;
  const on = standingJoins(viewer?.id ?? null);
  // The candidates: the newest SEARCH_CANDIDATES matching bodies and the opening posts of the newest
  // SEARCH_CANDIDATES matching titles, unioned; ranking happens among them. A rare word is found
  // through the GIN indexes; a common one by walking posts_created_idx / threads_created_idx backwards,
  // so it never ranks every match (a word in 70 % of a million posts took 9 s; docs/decisions/0027).
  // Removed, hidden and (for a group's search) other groups' content is left out here already, so it
  // never takes a candidate's place; the viewer's visibility is checked below.
  const liveThread = sql`t.deleted_at is null and t.hidden_at is null${scopedGroup ? sql` and t.group_id = ${scopedGroup.id}` : sql``}`;
  const matching = sql`(
    (select p.id from ${posts} p join ${threads} t on t.id = p.thread_id
      where p.search @@ ${query} and p.deleted_at is null and p.hidden_at is null and ${liveThread}
      order by p.created_at desc limit ${SEARCH_CANDIDATES})
    union
    (select p.id from ${posts} p where p.is_opening and p.thread_id in (
      select t.id from ${threads} t where t.search @@ ${query} and ${liveThread}
      order by t.created_at desc limit ${SEARCH_CANDIDATES}))
  )`;
  const rank = sql<number>`ts_rank(${posts.search}, ${query}) + case when ${posts.isOpening} then 2 * ts_rank(${threads.search}, ${query}) else 0 end`;
  const rows = await app.db
    .select({
      postId: posts.id,
      threadId: threads.id,
      isOpening: posts.isOpening,
      createdAt: posts.createdAt,
      // A subquery, not a join (author_id is a NOT NULL reference): Postgres computes it after the
      // LIMIT, for the page's rows only, like the snippets, instead of for every candidate.
      authorName: sql<string>`(select su.display_name from ${users} su where su.id = ${posts.authorId})`,
      authorStaff: staffStanding(groups.id, posts.authorId),
      groupSlug: groups.slug,
      groupName: groups.name,
      title: sql<string>`ts_headline('english', translate(${threads.title}, ${SNIPPET_STRIP}, ''), ${query}, ${TITLE_OPTIONS})`,
      snippet: sql<string>`ts_headline('english', translate(${posts.body}, ${SNIPPET_STRIP}, ''), ${query}, ${HEADLINE_OPTIONS})`,
      rank,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(groups, eq(groups.id, threads.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(
      and(
        sql`${posts.id} in ${matching}`,
        isNull(posts.deletedAt),
        isNull(threads.deletedAt),
        // Hidden pending review (auto-hide): never matched, like removed content.
        isNull(posts.hiddenAt),
        isNull(threads.hiddenAt),
        forumVisibleSql(viewer, { ...joinedStanding, membersOnly: threads.membersOnly }),
        scopedGroup ? eq(groups.id, scopedGroup.id) : undefined,
      ),
    )
    .orderBy(desc(rank), desc(posts.createdAt), asc(posts.id))
    .limit(SEARCH_PAGE_SIZE + 1)
    .offset((page - 1) * SEARCH_PAGE_SIZE);
  return {
    q,
    group: scopedGroup,
    page,
    hasMore: rows.length > SEARCH_PAGE_SIZE,
    results: rows.slice(0, SEARCH_PAGE_SIZE).map((r) => ({
      postId: r.postId,
      threadId: r.threadId,
      isOpening: r.isOpening,
      createdAt: r.createdAt,
      authorName: r.authorName,
      authorStaff: r.authorStaff,
      group: { slug: r.groupSlug, name: r.groupName },
      title: snippetParts(r.title),
      snippet: snippetParts(r.snippet),
    })),
  };
}
