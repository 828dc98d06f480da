import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { resourcePages, resources } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { log } from "#app/lib/log.server";
import { EXTRACT_LIMITS, extractPdfText, type ExtractLimits } from "./pdf-extract.server";
import { storageFor } from "./storage.server";

/**
 * PDF text for search: after a document's save commits, its text is marked pending and the
 * "library.extract-text" job extracts it page by page (pdf-extract.server.ts) into resource_pages.
 * The job re-reads the row, so a file replaced or a resource deleted meanwhile stores nothing stale.
 */

export type TextStatus = "pending" | "indexed" | "empty" | "failed";

/** Marks the document's text as pending and queues its extraction (images get no text: status null). */
export async function queueTextExtraction(app: AppContext, resourceId: string): Promise<void> {
  const [row] = await app.db
    .update(resources)
    // A PDF is pending; an image has no text (null), decided from the row being updated.
    .set({ textStatus: sql`case when ${resources.fileMime} = 'application/pdf' then 'pending' else null end` })
    .where(and(eq(resources.id, resourceId), eq(resources.kind, "document")))
    .returning({ fileKey: resources.fileKey, fileMime: resources.fileMime });
  if (!row?.fileKey || row.fileMime !== "application/pdf") return;
  await app.jobs.enqueue("library.extract-text", { resourceId, fileKey: row.fileKey });
}

/** Reads at most `max` bytes of a stored file (uploads are capped well below it). */
async function readStored(app: AppContext, key: string, max: number): Promise<Uint8Array | null> {
  const stored = await storageFor(app).get(key);
  if (!stored || stored.size > max) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stored.stream as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** The job: extract and replace the resource's pages in one transaction, only if the row still holds this file. */
export async function extractResourceText(app: AppContext, resourceId: string, fileKey: string, limits: ExtractLimits = EXTRACT_LIMITS): Promise<TextStatus | null> {
  const stillThisFile = and(eq(resources.id, resourceId), eq(resources.kind, "document"), eq(resources.fileKey, fileKey), eq(resources.fileMime, "application/pdf"));
  const [row] = await app.db.select({ id: resources.id }).from(resources).where(stillThisFile);
  if (!row) return null;
  const bytes = await readStored(app, fileKey, MAX_FILE_BYTES);
  const outcome = bytes ? await extractPdfText(bytes, limits) : ({ ok: false, reason: "unreadable" } as const);
  const pages = outcome.ok ? outcome.pages : [];
  const status: TextStatus = !outcome.ok ? "failed" : pages.some((p) => p.length > 0) ? "indexed" : "empty";
  // Ids and reasons only: never the file's name or text.
  log.info("pdf text extracted", { resourceId, status, pages: pages.length, ...(outcome.ok ? {} : { reason: outcome.reason }) });
  await app.db.transaction(async (tx) => {
    // Locked and checked again: a new file saved meanwhile has its own job, and this result is stale.
    const [current] = await tx.select({ id: resources.id }).from(resources).where(stillThisFile).for("update");
    if (!current) return;
    await tx.delete(resourcePages).where(eq(resourcePages.resourceId, resourceId));
    const rows = pages.map((text, i) => ({ resourceId, page: i + 1, text })).filter((p) => p.text.length > 0);
    for (let i = 0; i < rows.length; i += 50) await tx.insert(resourcePages).values(rows.slice(i, i + 50));
    await tx.update(resources).set({ textStatus: status }).where(eq(resources.id, resourceId));
  });
  return status;
}

export const extractTextJob = {
  payload: z.object({ resourceId: z.string().min(1).max(64), fileKey: z.string().min(1).max(64) }).strict(),
  run: async (app: AppContext, p: { resourceId: string; fileKey: string }) => {
    await extractResourceText(app, p.resourceId, p.fileKey);
  },
  // A failed extraction is recorded as "failed", not retried: the same bytes fail the same way.
  queue: { retryLimit: 1, deleteAfterSeconds: 3600 },
};

/** What staff see on the resource page: the status and how many pages were indexed. */
export async function textStatusOf(app: AppContext, resourceId: string): Promise<{ status: TextStatus | null; pages: number }> {
  const [row] = await app.db
    .select({
      status: resources.textStatus,
      pages: sql<number>`(select count(*)::int from ${resourcePages} rp where rp.resource_id = ${resources.id})`,
    })
    .from(resources)
    .where(eq(resources.id, resourceId));
  return { status: (row?.status as TextStatus | null) ?? null, pages: Number(row?.pages ?? 0) };
}
