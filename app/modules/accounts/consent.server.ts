import { asc, eq } from "drizzle-orm";
import { consents } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { HEALTH_DATA_CONSENT_LABEL } from "./consent";
import { legalTextVersion, legalVersions } from "./legal.server";

export type ConsentKind = (typeof consents.$inferInsert)["kind"];

/**
 * Records what the member agreed to at sign-up, each with the version of the text in force (GDPR
 * Art. 7(1): we must be able to show what was consented to, and when). terms/privacy/guidelines
 * name their document's version; health_data names the checkbox's wording together with the
 * privacy notice it refers to. `db` may be a transaction.
 */
export async function recordConsents(app: AppContext, userId: string, kinds: readonly ConsentKind[], db: Pick<AppContext["db"], "insert"> = app.db) {
  if (!kinds.length) return;
  const versions = await legalVersions(app);
  const versionOf: Record<ConsentKind, string> = {
    ...versions,
    health_data: legalTextVersion(`${HEALTH_DATA_CONSENT_LABEL}\n${versions.privacy}`),
  };
  const givenAt = new Date();
  await db
    .insert(consents)
    .values(kinds.map((kind) => ({ userId, kind, version: versionOf[kind], givenAt })))
    .onConflictDoNothing();
}

/** Everything a member consented to, oldest first (export, settings). */
export function listConsents(app: AppContext, userId: string) {
  return app.db
    .select({ kind: consents.kind, version: consents.version, givenAt: consents.givenAt })
    .from(consents)
    .where(eq(consents.userId, userId))
    .orderBy(asc(consents.givenAt), asc(consents.kind));
}

/** What signing up with both boxes ticked records. */
export const SIGN_UP_CONSENTS: readonly ConsentKind[] = ["terms", "privacy", "guidelines", "health_data"];
