import { sql, type SQL } from "drizzle-orm";
import { resourcePages, resources } from "#db/schema/index";
import { HEADLINE_OPTIONS, SNIPPET_STRIP, snippetParts, type SnippetPart } from "#app/lib/search-snippets";

/**
 * The SQL pieces that let the library's full-text search (listResources) find words inside PDFs:
 * a resource matches on its own text or on any of its pages (resource_pages.search), ranks by the
 * better of the two, and the best page (ts_rank, then the first) gives the "Page 7: …" snippet.
 * Correlated subqueries name resource_pages by alias and the outer resources row by its table.
 */

const PAGE_MATCH = (tsq: SQL) => sql`rp.resource_id = ${resources.id} and rp.search @@ ${tsq}`;

/** Resource text or one of its pages matches. */
export function resourceOrPagesMatch(tsq: SQL): SQL {
  return sql`(${resources.search} @@ ${tsq} or exists (select 1 from ${resourcePages} rp where ${PAGE_MATCH(tsq)}))`;
}

/** The page's best rank (0 without a matching page). */
function pageRank(tsq: SQL): SQL<number> {
  return sql<number>`coalesce((select max(ts_rank(rp.search, ${tsq})) from ${resourcePages} rp where ${PAGE_MATCH(tsq)}), 0)`;
}

/** Rank of a resource for the search: its own text's or its best page's, whichever is higher. */
export function resourceSearchRank(tsq: SQL): SQL<number> {
  return sql<number>`greatest(ts_rank(${resources.search}, ${tsq}), ${pageRank(tsq)})`;
}

/**
 * Columns for the (bounded) highlights query: the best page's number and headline, set only when a
 * page outranks the resource's own text (or the resource's text doesn't match at all).
 */
export function bestPageColumns(tsq: SQL) {
  const best = sql`(select rp.page, rp.text from ${resourcePages} rp where ${PAGE_MATCH(tsq)} order by ts_rank(rp.search, ${tsq}) desc, rp.page asc limit 1)`;
  const pageWins = sql`(not (${resources.search} @@ ${tsq}) or ${pageRank(tsq)} > ts_rank(${resources.search}, ${tsq}))`;
  return {
    bestPage: sql<number | null>`case when ${pageWins} then (select b.page from ${best} b) end`,
    bestPageHeadline: sql<
      string | null
    >`case when ${pageWins} then (select ts_headline('english', translate(b.text, ${SNIPPET_STRIP}, ''), ${tsq}, ${HEADLINE_OPTIONS}) from ${best} b) end`,
  };
}

/** The page part of a result's match: which page, and its snippet (null when the resource's own text won). */
export function pageMatchOf(h: { bestPage: number | null; bestPageHeadline: string | null } | undefined): { page: number; snippet: SnippetPart[] } | null {
  if (!h || h.bestPage === null || h.bestPageHeadline === null) return null;
  return { page: Number(h.bestPage), snippet: snippetParts(h.bestPageHeadline) };
}
