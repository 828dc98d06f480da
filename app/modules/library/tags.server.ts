import { sql, type SQL } from "drizzle-orm";
import { resources } from "#db/schema/index";

/**
 * Tags in the library's SQL. The generated search column (title, summary, body) has no tags and the
 * schema is fixed, so a search matches tags here, beside it; the tag filter is an array containment
 * that resources_tags_idx (gin) answers.
 */

/** Resources carrying `tag` (already normalised by LibraryQuerySchema). */
export function tagFilterSql(tag: string | undefined): SQL | undefined {
  return tag ? sql`${resources.tags} @> array[${tag}]::text[]` : undefined;
}

/** The resource's tags as English words, matched like the rest of the search (stems, websearch syntax). */
export function tagsMatchSql(tsq: SQL): SQL {
  return sql`to_tsvector('english', array_to_string(${resources.tags}, ' ')) @@ ${tsq}`;
}

/** What a tag match adds to ts_rank: about a title word's weight. */
export function tagRankSql(tsq: SQL): SQL {
  return sql`(case when ${tagsMatchSql(tsq)} then 0.5 else 0 end)::real`;
}
