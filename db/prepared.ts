import { sql } from "drizzle-orm";
import type { Database } from "./client";

/**
 * A statement Drizzle builds once per database handle (and shape), then runs with new values
 * (docs/decisions/0033-hot-statements-prepared.md). Drizzle otherwise turns its query builder into
 * SQL text on every call and Postgres plans it again; for the statements every signed-in page runs,
 * composed of other capabilities' SQL (the session check with the layout's header, a thread's
 * posts), that was a large part of the page's cost. The values are `sql.placeholder(name)`s,
 * filled by `execute({ name: value })`.
 *
 * `shape` covers what changes the SQL text itself (a cursor or not, its direction): `keyOf` names
 * each shape, so a statement has a few fixed variants, never one per call.
 */
export function preparedStatement<S, Shape = void>(build: (db: Database, shape: Shape) => S, keyOf: (shape: Shape) => string = () => ""): (db: Database, shape: Shape) => S {
  const built = new WeakMap<Database, Map<string, S>>();
  return (db, shape) => {
    let byShape = built.get(db);
    if (!byShape) built.set(db, (byShape = new Map()));
    const key = keyOf(shape);
    let statement = byShape.get(key);
    if (!statement) byShape.set(key, (statement = build(db, shape)));
    return statement;
  };
}

/** A placeholder as SQL, for the helpers that take an SQL value (standing joins, staff standing) rather than a Placeholder. */
export const placeholder = (name: string) => sql`${sql.placeholder(name)}`;
