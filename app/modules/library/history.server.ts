import { and, count, desc, eq, inArray, max } from "drizzle-orm";
import { resourceVersions, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid, NotFound } from "#app/lib/errors";
import { assertCan, can, type Actor } from "#app/policy.server";
import { findResource, updateResource } from "./library.server";
import { diffVersions } from "./version-diff";

/**
 * A resource's history for its organization's staff (library.viewHistory; everyone else gets 404,
 * as if there were no history page): the versions, a diff of any two, and restore, which saves the
 * old content as a new version through the ordinary update path (watched words checked again; the
 * review stamp is left alone, since restoring is an edit, not a review).
 */

const HISTORY_MAX = 500;

async function staffResource(app: AppContext, viewer: Actor | null, resourceId: string) {
  const r = await findResource(app, viewer, resourceId);
  if (!can(viewer, "library.viewHistory", r.target)) throw NotFound("That resource");
  return r;
}

/** "History (n versions)": a resource from before versions were kept counts its current state as one. */
export async function countVersions(app: AppContext, resourceId: string): Promise<number> {
  const [row] = await app.db.select({ n: count() }).from(resourceVersions).where(eq(resourceVersions.resourceId, resourceId));
  return Math.max(row?.n ?? 0, 1);
}

const contentOf = (app: AppContext, resourceId: string, versions: number[]) =>
  app.db
    .select({ version: resourceVersions.version, title: resourceVersions.title, summary: resourceVersions.summary, body: resourceVersions.body, tags: resourceVersions.tags })
    .from(resourceVersions)
    .where(and(eq(resourceVersions.resourceId, resourceId), inArray(resourceVersions.version, versions)));

/**
 * The history page: versions newest first, and the diff of `from` → `to` (default: the one before
 * the current one → the current one). A version that does not exist is a message for the compare
 * form, not an error page.
 */
export async function getHistory(app: AppContext, viewer: Actor | null, resourceId: string, compare: { from?: number; to?: number } = {}) {
  const resource = await staffResource(app, viewer, resourceId);
  const versions = await app.db
    .select({ version: resourceVersions.version, title: resourceVersions.title, restoredFrom: resourceVersions.restoredFrom, createdAt: resourceVersions.createdAt, editor: users.displayName })
    .from(resourceVersions)
    .leftJoin(users, eq(users.id, resourceVersions.editedBy))
    .where(eq(resourceVersions.resourceId, resourceId))
    .orderBy(desc(resourceVersions.version))
    .limit(HISTORY_MAX);
  const current = versions[0]?.version ?? null;
  const numbers = new Set(versions.map((v) => v.version));
  const to = compare.to ?? current;
  const from = compare.from ?? (to !== null ? versions.find((v) => v.version < to)?.version ?? null : null);
  const missing = [from, to].filter((v): v is number => v !== null && !numbers.has(v));
  let diff: ReturnType<typeof diffVersions> | null = null;
  if (from !== null && to !== null && missing.length === 0) {
    const rows = await contentOf(app, resourceId, [from, to]);
    const a = rows.find((r) => r.version === from);
    const b = rows.find((r) => r.version === to);
    if (a && b) diff = diffVersions(a, b);
  }
  return {
    resource,
    versions,
    current,
    compare: { from, to, error: missing.length ? `There is no version ${missing[0]}. Choose one from the list.` : null },
    diff,
    canRestore: can(viewer, "library.restoreVersion", resource.target),
  };
}

/** Saves version `version`'s title, summary, body and tags as the next version (restoredFrom set). */
export async function restoreVersion(app: AppContext, viewer: Actor | null, resourceId: string, version: number) {
  const r = await staffResource(app, viewer, resourceId);
  assertCan(viewer, "library.restoreVersion", r.target, "That resource");
  const [[old], [latest]] = await Promise.all([
    contentOf(app, resourceId, [version]),
    app.db.select({ version: max(resourceVersions.version) }).from(resourceVersions).where(eq(resourceVersions.resourceId, resourceId)),
  ]);
  if (!old) throw NotFound("That version");
  if (latest?.version === version) throw Invalid(`Version ${version} is the current version already.`, { version: [`Version ${version} is the current version already.`] });
  await updateResource(
    app,
    viewer,
    resourceId,
    {
      kind: r.kind,
      organizationId: r.organizationId,
      groupId: r.group?.id ?? "",
      category: r.category,
      url: r.url ?? undefined,
      title: old.title,
      summary: old.summary,
      body: old.body,
      tags: old.tags.join(", "),
    },
    null,
    { restoredFrom: version },
  );
  return { restored: version };
}
