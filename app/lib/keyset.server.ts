import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor, type CursorPart, type CursorValues } from "./cursor";

/** A timestamp as a cursor's "time" part: UTC with microseconds, so the key compares exactly. */
export const timeKey = (value: SQL | AnyColumn) => sql<string>`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Keyset pages that read both ways: `after` a row's key (Next) or `before` it (Previous). The query
 * fetches size + 1 rows in the reading direction (ascending after, descending before); keysetPage puts
 * them back in display order and says whether there is a page either side. A cursor that doesn't
 * decode (hand-edited) reads as the first page.
 */
export interface KeysetRequest<S extends readonly CursorPart[]> {
  cursor: CursorValues<S> | null;
  backwards: boolean;
}

export function keysetRequest<const S extends readonly CursorPart[]>(query: { after?: string | null; before?: string | null }, shape: S): KeysetRequest<S> {
  const after = decodeCursor(query.after, shape);
  const before = after ? null : decodeCursor(query.before, shape);
  return { cursor: after ?? before, backwards: before !== null };
}

export function keysetPage<T>(rows: T[], size: number, request: { cursor: unknown; backwards: boolean }, keyOf: (row: T) => (string | number)[]) {
  const more = rows.length > size;
  const items = rows.slice(0, size);
  if (request.backwards) items.reverse();
  const first = items[0];
  const last = items.at(-1);
  return {
    items,
    /** Cursor for the next page (pass as `after`), or null on the last page. */
    next: last !== undefined && (request.backwards || more) ? encodeCursor(keyOf(last)) : null,
    /** Cursor for the previous page (pass as `before`), or null on the first page. */
    previous: first !== undefined && (request.backwards ? more : request.cursor !== null) ? encodeCursor(keyOf(first)) : null,
  };
}

/** This page's address with some query parameters set (a string) or removed (null), the rest kept. */
export function hrefWith(requestUrl: string, changes: Record<string, string | null>) {
  const url = new URL(requestUrl);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}
