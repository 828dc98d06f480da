import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "#db/client";
import { preparedStatement } from "#db/prepared";
import { users } from "#db/schema/index";
import { createTestDatabase, testDatabaseKind } from "#tests/helpers/database";

/**
 * db/prepared.ts: a statement built once per database handle and shape runs with each call's own
 * values, and never on another database than the one it was built for.
 */
describe(`prepared statements on ${testDatabaseKind}`, () => {
  let one: DatabaseHandle;
  let two: DatabaseHandle;
  const builds: string[] = [];
  const nameOf = preparedStatement(
    (db, shape: { upper: boolean }) => {
      builds.push(`${shape.upper}`);
      return db
        .select({ name: shape.upper ? sql<string>`upper(${users.displayName})` : users.displayName })
        .from(users)
        .where(eq(users.id, sql.placeholder("id")))
        .prepare("test_name_of");
    },
    (shape) => String(shape.upper),
  );

  beforeAll(async () => {
    [one, two] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const row = (id: string, displayName: string) => ({ id, email: `${id}@example.test`, passwordHash: "x", displayName });
    await one.db.insert(users).values([row("a", "Ada"), row("b", "Bea")]);
    await two.db.insert(users).values([row("a", "Ama")]);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it("fills each call's values into the statement built once per shape", async () => {
    expect(await nameOf(one.db, { upper: false }).execute({ id: "a" })).toEqual([{ name: "Ada" }]);
    expect(await nameOf(one.db, { upper: false }).execute({ id: "b" })).toEqual([{ name: "Bea" }]);
    expect(await nameOf(one.db, { upper: true }).execute({ id: "b" })).toEqual([{ name: "BEA" }]);
    expect(await nameOf(one.db, { upper: false }).execute({ id: "nobody" })).toEqual([]);
    expect(builds).toEqual(["false", "true"]);
  });

  it("builds its own statement for each database handle", async () => {
    expect(await nameOf(two.db, { upper: false }).execute({ id: "a" })).toEqual([{ name: "Ama" }]);
    expect(await nameOf(one.db, { upper: false }).execute({ id: "a" })).toEqual([{ name: "Ada" }]);
    expect(builds).toEqual(["false", "true", "false"]);
  });
});
