import { sql } from "drizzle-orm";
import { rowsOf } from "#app/lib/db-rows.server";
import type { StaffRole } from "#app/lib/staff-role";
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
  // SEARCH_CANDIDATES matching titles; ranking happens among them. A rare word is found through the
  // GIN indexes; a common one by walking posts_created_idx / threads_created_idx backwards, so it
  // never ranks every match (a word in 70 % of a million posts took 9 s; docs/decisions/0027).
  // Removed, hidden and (for a group's search) other groups' content is left out here already, so it
  // never takes a candidate's place; the viewer's visibility is checked below. Each arm carries the
  // columns the page needs out of the rows it already read, so no candidate is looked up again.
  const liveThread = sql`t.deleted_at is null and t.hidden_at is null${scopedGroup ? sql` and t.group_id = ${scopedGroup.id}` : sql``}`;
  const livePost = sql`p.deleted_at is null and p.hidden_at is null`;
  const columns = sql`p.id, p.thread_id, p.author_id, p.is_opening, p.created_at, p.body, p.search, t.group_id, t.title, t.search as title_search, t.members_only`;
  const rank = sql`ts_rank(c.search, ${query}) + case when c.is_opening then 2 * ts_rank(c.title_search, ${query}) else 0 end`;
  const result = await app.db.execute(sql`
    with body_hits as (
      select ${columns} from ${posts} p join ${threads} t on t.id = p.thread_id
      where p.search @@ ${query} and ${livePost} and ${liveThread}
      order by p.created_at desc limit ${SEARCH_CANDIDATES}
    ), title_hits as (
      select ${columns} from (
        select * from ${threads} t where t.search @@ ${query} and ${liveThread} order by t.created_at desc limit ${SEARCH_CANDIDATES}
      ) t join ${posts} p on p.thread_id = t.id and p.is_opening
      where ${livePost} and p.id not in (select id from body_hits)
    ), c as (
      select * from body_hits union all select * from title_hits
    )
    select c.id, c.thread_id, c.is_opening, c.created_at,
      -- After the LIMIT (Postgres computes these for the page's rows only): the author, the snippets.
      (select su.display_name from ${users} su where su.id = c.author_id) as author_name,
      ${staffStanding(groups.id, sql`c.author_id`)} as author_staff,
      ${groups.slug} as group_slug, ${groups.name} as group_name,
      ts_headline('english', translate(c.title, ${SNIPPET_STRIP}, ''), ${query}, ${TITLE_OPTIONS}) as title,
      ts_headline('english', translate(c.body, ${SNIPPET_STRIP}, ''), ${query}, ${HEADLINE_OPTIONS}) as snippet
    from c join ${groups} on ${groups.id} = c.group_id
      left join ${groupMemberships} on ${on.membership}
      left join ${organizationMembers} on ${on.orgRole}
    where ${forumVisibleSql(viewer, { ...joinedStanding, membersOnly: sql`c.members_only` })}
    order by ${rank} desc, c.created_at desc, c.id asc
    limit ${SEARCH_PAGE_SIZE + 1} offset ${(page - 1) * SEARCH_PAGE_SIZE}`);
  type Row = { id: string; thread_id: string; is_opening: boolean; created_at: Date | string; author_name: string; author_staff: StaffRole | null; group_slug: string; group_name: string; title: string; snippet: string };
  const rows = rowsOf<Row>(result);
  return {
    q,
    group: scopedGroup,
    page,
    hasMore: rows.length > SEARCH_PAGE_SIZE,
    results: rows.slice(0, SEARCH_PAGE_SIZE).map((r) => ({
      postId: r.id,
      threadId: r.thread_id,
      isOpening: r.is_opening,
      createdAt: new Date(r.created_at),
      authorName: r.author_name,
      authorStaff: r.author_staff ?? null,
      group: { slug: r.group_slug, name: r.group_name },
      title: snippetParts(r.title),
      snippet: snippetParts(r.snippet),
    })),
  };
}
