import { and, desc, eq, gt, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { dataExports, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { DomainError, Conflict, NotFound, RateLimited } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import type { Actor } from "#app/policy.server";
import { storageFor } from "#app/modules/library/storage.server";

/** Data export (GDPR Art. 15/20): the member asks, a job builds the ZIP, the member downloads it for 7 days. */

export const EXPORT_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** Counted from the rows in the database, so a restart or another node doesn't reset it. */
export const EXPORTS_PER_DAY = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How many past exports the page lists. */
const LISTED = 5;

/** newId(): 22 base64url characters. Anything else names no export. */
export const ExportIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

export const EXPORT_IN_PROGRESS = "Your data export is already being prepared. We'll e-mail you when it's ready.";
export const EXPORT_EXPIRED = "This data export has expired: downloads are kept for 7 days. You can ask for a new one in Settings → Your data.";

/** The export ZIP's storage key: one per export, so a retried job overwrites its own file and nothing else. */
export const exportStorageKey = (exportId: string) => `export-${exportId}`;

export type ExportState = "queued" | "running" | "ready" | "expired" | "failed";

export interface ExportView {
  id: string;
  state: ExportState;
  createdAt: Date;
  sizeBytes: number | null;
  expiresAt: Date | null;
}

function stateOf(row: { status: ExportState; expiresAt: Date | null; storageKey: string | null }, now: Date): ExportState {
  if (row.status !== "ready") return row.status;
  return !row.storageKey || !row.expiresAt || row.expiresAt <= now ? "expired" : "ready";
}

/** The member's latest exports, and whether (and when) they may ask for another. */
export async function listExports(app: AppContext, viewer: Actor) {
  const now = new Date();
  const rows = await app.db
    .select({
      id: dataExports.id,
      status: dataExports.status,
      storageKey: dataExports.storageKey,
      sizeBytes: dataExports.sizeBytes,
      createdAt: dataExports.createdAt,
      expiresAt: dataExports.expiresAt,
    })
    .from(dataExports)
    .where(eq(dataExports.userId, viewer.id))
    .orderBy(desc(dataExports.createdAt), desc(dataExports.id))
    .limit(Math.max(LISTED, EXPORTS_PER_DAY));
  const exports: ExportView[] = rows.map((r) => ({ id: r.id, state: stateOf(r, now), createdAt: r.createdAt, sizeBytes: r.sizeBytes, expiresAt: r.expiresAt }));
  return { exports: exports.slice(0, LISTED), refusal: refusalOf(rows, now) };
}

/**
 * Why a new export can't start now (one in progress; the daily limit), from the member's latest rows
 * (newest first; at least EXPORTS_PER_DAY of them). Null when it can.
 */
function refusalOf(rows: { status: ExportState; createdAt: Date }[], now: Date): DomainError | null {
  const today = rows.filter((r) => r.createdAt.getTime() > now.getTime() - DAY_MS);
  // A queued or running export older than a day is stuck (its job is long gone): it doesn't block.
  if (today.some((r) => r.status === "queued" || r.status === "running")) return Conflict(EXPORT_IN_PROGRESS);
  if (today.length >= EXPORTS_PER_DAY) {
    const oldest = today.at(EXPORTS_PER_DAY - 1)!;
    const retryAfter = Math.max(1, Math.ceil((oldest.createdAt.getTime() + DAY_MS - now.getTime()) / 1000));
    return RateLimited(`You can ask for ${EXPORTS_PER_DAY} data exports a day.`, retryAfter);
  }
  return null;
}

/**
 * Starts a background export: one row (queued) and its `account.export` job. The member's row is
 * locked while checking, so two clicks at once can't both start one.
 */
export async function requestExport(app: AppContext, viewer: Actor): Promise<{ exportId: string }> {
  const exportId = newId();
  await app.db.transaction(async (tx) => {
    const [me] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, viewer.id), isNull(users.deletedAt)))
      .for("update");
    if (!me) throw NotFound("That account");
    const now = new Date();
    const recent = await tx
      .select({ status: dataExports.status, createdAt: dataExports.createdAt })
      .from(dataExports)
      .where(and(eq(dataExports.userId, viewer.id), gt(dataExports.createdAt, new Date(now.getTime() - DAY_MS))))
      .orderBy(desc(dataExports.createdAt));
    const refusal = refusalOf(recent, now);
    if (refusal) throw refusal;
    await tx.insert(dataExports).values({ id: exportId, userId: viewer.id, status: "queued", createdAt: now });
  });
  try {
    await app.jobs.enqueue("account.export", { exportId }, { key: exportId });
  } catch (e) {
    // Without its job the row would block new requests for a day: mark it failed, so "try again" works.
    await markExportFailed(app, exportId);
    throw e;
  }
  return { exportId };
}

/** After the job's last retry (pg-boss's dead letter) or when the account is gone: the page offers to try again. */
export async function markExportFailed(app: AppContext, exportId: string) {
  await app.db
    .update(dataExports)
    .set({ status: "failed" })
    .where(and(eq(dataExports.id, exportId), inArray(dataExports.status, ["queued", "running"])));
}

/**
 * The ZIP of one of the viewer's own exports, while it is ready and unexpired. Anyone else's export,
 * a forged id or one not ready is NotFound (nothing says it exists); an expired one says so.
 */
export async function openExportDownload(app: AppContext, viewer: Actor | null, exportId: string) {
  if (!viewer) throw NotFound("That data export");
  const [row] = await app.db
    .select({ status: dataExports.status, storageKey: dataExports.storageKey, readyAt: dataExports.readyAt, expiresAt: dataExports.expiresAt })
    .from(dataExports)
    .where(and(eq(dataExports.id, exportId), eq(dataExports.userId, viewer.id)))
    .limit(1);
  if (!row || row.status !== "ready" || !row.readyAt) throw NotFound("That data export");
  if (stateOf(row, new Date()) === "expired") throw new DomainError("not_found", EXPORT_EXPIRED);
  const file = await storageFor(app).get(row.storageKey!);
  if (!file) throw NotFound("That data export");
  return { ...file, fileName: `hearth-export-${row.readyAt.toISOString().slice(0, 10)}.zip` };
}

/**
 * The `account.export.expire` job (queued for expiresAt when an export is ready): deletes the file
 * and forgets its key. Idempotent; one that runs early (a moved clock) leaves the export alone.
 */
export async function expireExport(app: AppContext, exportId: string) {
  const [row] = await app.db
    .select({ storageKey: dataExports.storageKey, expiresAt: dataExports.expiresAt })
    .from(dataExports)
    .where(eq(dataExports.id, exportId))
    .limit(1);
  if (!row?.storageKey || !row.expiresAt || row.expiresAt > new Date()) return;
  await storageFor(app).delete(row.storageKey);
  await app.db.update(dataExports).set({ storageKey: null }).where(and(eq(dataExports.id, exportId), eq(dataExports.storageKey, row.storageKey)));
}

/**
 * Removes every export file of an account and its rows (for account deletion: the ZIPs hold the
 * personal data being erased).
 */
export async function deleteAccountExports(app: AppContext, userId: string) {
  const rows = await app.db.select({ storageKey: dataExports.storageKey }).from(dataExports).where(eq(dataExports.userId, userId));
  for (const r of rows) if (r.storageKey) await storageFor(app).delete(r.storageKey);
  await app.db.delete(dataExports).where(eq(dataExports.userId, userId));
}
