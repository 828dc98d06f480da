import { desc, eq } from "drizzle-orm";
import { resources, resourceVersions } from "#db/schema/index";
import type { Transaction } from "#db/client";
import { newId } from "#app/lib/ids.server";
import type { SavedResource } from "./saved.server";

/**
 * Resource versions: every save of a resource (create, edit, restore) keeps its title, summary, body
 * and tags as version n + 1. Numbers are taken under the resource row's lock (SELECT … FOR UPDATE in
 * the save's transaction), so two concurrent saves get n + 1 and n + 2, never the same number.
 * Resources created before versions were kept have none: their first edit first keeps the content
 * as it was as version 1 (lockForVersion, before the UPDATE), so nothing written earlier is lost.
 */

const lockRow = (tx: Transaction, resourceId: string) =>
  tx
    .select({ title: resources.title, summary: resources.summary, body: resources.body, tags: resources.tags, createdBy: resources.createdBy, updatedAt: resources.updatedAt })
    .from(resources)
    .where(eq(resources.id, resourceId))
    .for("update");

const latestVersion = async (tx: Transaction, resourceId: string) => {
  const [v] = await tx
    .select({ version: resourceVersions.version, title: resourceVersions.title, summary: resourceVersions.summary, body: resourceVersions.body, tags: resourceVersions.tags })
    .from(resourceVersions)
    .where(eq(resourceVersions.resourceId, resourceId))
    .orderBy(desc(resourceVersions.version))
    .limit(1);
  return v;
};

/** Before an edit's UPDATE: lock the row, and keep a pre-versions resource's current content as version 1. */
export async function lockForVersion(tx: Transaction, resourceId: string): Promise<void> {
  const [row] = await lockRow(tx, resourceId);
  if (!row || (await latestVersion(tx, resourceId))) return;
  const { createdBy, updatedAt, ...content } = row;
  await tx.insert(resourceVersions).values({ id: newId(), resourceId, version: 1, ...content, editedBy: createdBy, createdAt: updatedAt });
}

const sameContent = (a: { title: string; summary: string; body: string; tags: string[] }, b: SavedResource) =>
  a.title === b.title && a.summary === b.summary && a.body === b.body && a.tags.join("\n") === b.tags.join("\n");

/** In the save's transaction: the next version (a save that changed nothing kept in a version is no new version). */
export async function recordVersion(tx: Transaction, saved: SavedResource): Promise<void> {
  await lockRow(tx, saved.resourceId);
  const latest = await latestVersion(tx, saved.resourceId);
  if (latest && saved.restoredFrom === undefined && sameContent(latest, saved)) return;
  await tx.insert(resourceVersions).values({
    id: newId(),
    resourceId: saved.resourceId,
    version: (latest?.version ?? 0) + 1,
    title: saved.title,
    summary: saved.summary,
    body: saved.body,
    tags: saved.tags,
    restoredFrom: saved.restoredFrom ?? null,
    editedBy: saved.editorId,
  });
}
