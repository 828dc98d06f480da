import type { AppContext } from "#app/lib/app-context.server";
import type { Transaction } from "#db/client";
import { attachGuideImages } from "./images.server";
import { recheckLinkSoon } from "./link-check.server";
import { queueTextExtraction } from "./pdf-text.server";
import { recordVersion } from "./versions.server";

/** What was just written to a resources row (create, edit or restore), for the steps that follow every save. */
export interface SavedResource {
  resourceId: string;
  organizationId: string;
  kind: "link" | "guide" | "document";
  editorId: string;
  title: string;
  summary: string;
  body: string;
  tags: string[];
  /** A document got a new file in this save: its text is extracted again. */
  newFile: boolean;
  /** Set when the save restores an older version (versions.server.ts). */
  restoredFrom?: number;
}

/** Inside the save's transaction: keep a version, attach the guide's images, check a link again soon (all roll back with the save). */
export async function afterResourceWrite(tx: Transaction, saved: SavedResource): Promise<void> {
  await recordVersion(tx, saved);
  if (saved.kind === "guide") await attachGuideImages(tx, saved);
  if (saved.kind === "link") await recheckLinkSoon(tx, saved.resourceId);
}

/** After the save committed: queue the PDF text extraction (a job re-reads the row, so a rolled-back save queues nothing useful). */
export async function afterResourceCommit(app: AppContext, saved: SavedResource): Promise<void> {
  if (saved.kind === "document" && saved.newFile) await queueTextExtraction(app, saved.resourceId);
}
