import { createRequire } from "node:module";
import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";

/**
 * Display-name identity: two names that look alike must not both exist, so nobody can register
 * "Sam the moderator" with Cyrillic "а", Greek "ο" or "rn" for "m".
 *
 * The rules a person can see (NFKC, no invisible/control/bidi characters, length, allowed letters)
 * live in DisplayNameSchema (app/modules/auth/auth.schema.ts), which also runs in the browser. This
 * file adds the server-only half: the UTS #39 confusable skeleton, stored unique in
 * users.display_name_skeleton.
 *
 * Data: the prototype map of Unicode's confusables.txt (UTS #39 "Recommended confusable mapping",
 * version 13.0.0, all 6,311 single-code-point entries) as shipped by the `unhomoglyph` npm package's
 * data.json (MIT, nodeca). Only its data is used: its own replace function is not a UTS #39 skeleton
 * (no NFD around the mapping), so the algorithm is here. When the data version changes, skeletons
 * change: bump SKELETON_DATA_VERSION's comment and run backfillDisplayNameSkeletons over all rows.
 */
export const SKELETON_DATA_VERSION = "confusables.txt 13.0.0 (unhomoglyph 1.0.6)";

// createRequire: the built server imports node_modules as external ESM, where a bare JSON import
// needs import attributes; require works the same in Vite, Vitest and Node.
const prototypes: Record<string, string> = createRequire(import.meta.url)("unhomoglyph/data.json");

/** UTS #39 skeleton(X): NFD, replace each code point by its prototype, NFD again. */
export function uts39Skeleton(input: string): string {
  let out = "";
  for (const ch of input.normalize("NFD")) out += prototypes[ch] ?? ch;
  return out.normalize("NFD");
}

/**
 * The uniqueness key of a display name: case-insensitive skeleton. The skeleton is taken before
 * lower-casing too, because some look-alikes only map in one case (capital "I" → "l"), and again
 * after, because lower-casing can produce new confusables ("M" → "m" → "rn"). Spaces are collapsed
 * so "Sam  the" can't pass for "Sam the".
 */
export function displayNameSkeleton(name: string): string {
  const nfkc = name.normalize("NFKC").trim().replace(/\s+/gu, " ");
  return uts39Skeleton(uts39Skeleton(nfkc).toLowerCase()).replace(/\s+/gu, " ");
}

/** Deleted accounts are renamed "Former member <digits>" (deletion.server.ts); nobody else may look like one. */
const RESERVED_SKELETON = displayNameSkeleton("Former member");

/**
 * Whether a name is unavailable: another account (not `exceptUserId`) holds it or a look-alike (same
 * skeleton or same lower-cased name), or it looks like
 * one of the reserved "Former member …" names, unless `reserved` (only deletion picks those).
 */
export async function displayNameTaken(app: AppContext, name: string, exceptUserId?: string, { reserved = false } = {}): Promise<boolean> {
  if (!reserved && displayNameSkeleton(name).startsWith(RESERVED_SKELETON)) return true;
  await backfillDisplayNameSkeletons(app);
  const [row] = await app.db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        or(eq(users.displayNameSkeleton, displayNameSkeleton(name)), eq(sql`lower(${users.displayName})`, name.toLowerCase())),
        exceptUserId ? ne(users.id, exceptUserId) : undefined,
      ),
    )
    .limit(1);
  return Boolean(row);
}

/**
 * Rows written before skeletons existed (display_name_skeleton null: accounts from before 0007, or
 * inserted by hand) get theirs here, lazily, before every name check rather than in the migration:
 * the skeleton needs the confusables data, which SQL doesn't have, and a check at start-up would miss
 * rows inserted later by other means. Once done it costs one indexed query that finds nothing. If two
 * old rows already collide, the later keeps a null skeleton (the unique index allows several nulls)
 * and is left for a moderator to sort out: renaming someone automatically would be worse.
 */
export async function backfillDisplayNameSkeletons(app: AppContext): Promise<void> {
  const rows = await app.db.select({ id: users.id, displayName: users.displayName }).from(users).where(isNull(users.displayNameSkeleton)).orderBy(users.createdAt);
  for (const row of rows) {
    const skeleton = displayNameSkeleton(row.displayName);
    // One row at a time, skipping a skeleton already held: a colliding row must not fail the others.
    try {
      await app.db
        .update(users)
        .set({ displayNameSkeleton: skeleton })
        .where(and(eq(users.id, row.id), sql`not exists (select 1 from ${users} u2 where u2.display_name_skeleton = ${skeleton})`));
    } catch (e) {
      // A concurrent check filled the same skeleton for a look-alike row first.
      if (!isUniqueViolation(e)) throw e;
    }
  }
}
