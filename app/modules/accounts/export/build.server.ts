import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { and, eq, inArray } from "drizzle-orm";
import { ZipFile } from "yazl";
import { z } from "zod";
import { dataExports, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { newId } from "#app/lib/ids.server";
import { storageFor } from "#app/modules/library/storage.server";
import { sendMail } from "#app/modules/mail/send.server";
import { exportFiles, ownUploads } from "./contents.server";
import { EXPORT_LIFETIME_MS, ExportIdSchema, exportStorageKey, expireExport, markExportFailed } from "./export.server";

/**
 * Writes one member's export as a ZIP to `out`, entry after entry: each JSON file is read from the
 * database page by page while it is compressed, and each upload streamed from storage, so memory
 * stays flat. Resolves when the last byte is written.
 */
export async function writeExportZip(app: AppContext, userId: string, out: NodeJS.WritableStream): Promise<void> {
  const zip = new ZipFile();
  const failed = new Promise<never>((_, reject) => zip.on("error", reject));
  const done = pipeline(zip.outputStream, out);
  // An entry's stream failing (a query, a missing file) fails the whole ZIP, never a silently short one.
  const guarded = (stream: Readable) => stream.on("error", (e) => zip.emit("error", e));
  for (const file of exportFiles(app, userId)) {
    zip.addReadStreamLazy(file.name, (cb) => cb(null, guarded(file.open())));
  }
  const storage = storageFor(app);
  for await (const upload of ownUploads(app, userId)) {
    zip.addReadStreamLazy(upload.name, { compress: false }, (cb) => {
      // A document whose file is gone from storage leaves an empty entry rather than failing the member's export.
      storage.get(upload.fileKey).then(
        (stored) => cb(null, guarded(stored ? Readable.fromWeb(stored.stream as import("node:stream/web").ReadableStream) : Readable.from([]))),
        (e: unknown) => cb(e, Readable.from([])),
      );
    });
  }
  zip.end();
  await Promise.race([done, failed]);
}

/**
 * The `account.export` job. Idempotent on exportId: a ready (or failed) export is left alone, and a
 * retried one rebuilds its ZIP under the same key. It re-checks that the account still exists and is
 * not deleted; the ZIP is written to storage's temporary folder and moved into place only when whole.
 */
export async function runExport(app: AppContext, exportId: string): Promise<void> {
  const [row] = await app.db
    .select({ status: dataExports.status, userId: dataExports.userId, email: users.email, deletedAt: users.deletedAt })
    .from(dataExports)
    .innerJoin(users, eq(users.id, dataExports.userId))
    .where(eq(dataExports.id, exportId))
    .limit(1);
  if (!row || row.status === "ready" || row.status === "failed") return;
  if (row.deletedAt || !row.email) {
    await markExportFailed(app, exportId);
    return;
  }
  await app.db.update(dataExports).set({ status: "running" }).where(and(eq(dataExports.id, exportId), inArray(dataExports.status, ["queued", "running"])));

  const storage = storageFor(app);
  const key = exportStorageKey(exportId);
  const temp = path.join(await storage.tempDir(), `${key}-${newId(6)}.zip.part`);
  try {
    await writeExportZip(app, row.userId, createWriteStream(temp));
    const { size } = await fs.stat(temp);
    await storage.put(key, temp);
    const readyAt = new Date();
    const expiresAt = new Date(readyAt.getTime() + EXPORT_LIFETIME_MS);
    const [ready] = await app.db
      .update(dataExports)
      .set({ status: "ready", storageKey: key, sizeBytes: size, readyAt, expiresAt })
      .where(and(eq(dataExports.id, exportId), eq(dataExports.status, "running")))
      .returning({ id: dataExports.id });
    if (!ready) {
      // Marked failed (or removed with the account) while we wrote: the file must not outlive it.
      await storage.delete(key);
      return;
    }
    await app.jobs.enqueue("account.export.expire", { exportId }, { runAt: expiresAt, key: exportId });
    await sendMail(app, row.email, "accounts.export-ready", { exportId });
  } finally {
    await fs.rm(temp, { force: true });
  }
}

const payload = z.object({ exportId: ExportIdSchema });

/** Builds the ZIP (pg-boss retries a failure twice; then the dead letter below marks it failed). */
export const exportJob = {
  payload,
  run: (app: AppContext, { exportId }: z.infer<typeof payload>) => runExport(app, exportId),
  queue: { retryLimit: 2, retryDelay: 10, retryBackoff: true, expireInSeconds: 15 * 60, deadLetter: "account.export.failed" },
};

/** The export job's dead letter: it failed every attempt, so the page offers to try again. */
export const exportFailedJob = {
  payload,
  run: (app: AppContext, { exportId }: z.infer<typeof payload>) => markExportFailed(app, exportId),
  queue: { retryLimit: 5 },
};

/** Queued for an export's expiry: deletes its file (downloads are refused past expiresAt anyway). */
export const exportExpireJob = {
  payload,
  run: (app: AppContext, { exportId }: z.infer<typeof payload>) => expireExport(app, exportId),
  // It waits 7 days in the queue: keep it longer than that (pg-boss's default is 14 days; say so).
  queue: { retentionSeconds: 14 * 24 * 3600, retryLimit: 5 },
};
