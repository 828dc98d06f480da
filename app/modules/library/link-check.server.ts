import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { organizationMembers, resources } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { Transaction } from "#db/client";
import { log } from "#app/lib/log.server";
import { organizationRoleOf } from "#app/modules/organizations/staff.server";
import { recordNotifications } from "#app/modules/notifications/record.server";
import { assertCan, type Actor } from "#app/policy.server";
import { probeLink, type ProbeOptions, type ProbeResult } from "./link-probe.server";

/**
 * The weekly link check ("library.link-check" sweep): link resources not checked for a week are
 * claimed in small batches by a conditional UPDATE of link_checked_at (FOR UPDATE SKIP LOCKED, so
 * two nodes never check the same link), each is probed (link-probe.server.ts, SSRF-safe, one
 * deadline per link), and the result stored: ok, or broken with why and since when (kept from the
 * first failure). The organization's staff are told once, when a link becomes broken.
 */

export const LINK_CHECK_DAYS = 7;
const CLAIM_BATCH = 10;
/** Batches per sweep run: a minute's sweep stays short; what's left is the next minute's. */
const BATCHES_PER_RUN = 3;
const PARALLEL = 5;

export interface BrokenLink {
  id: string;
  title: string;
  url: string;
  /** "HTTP 404", "timed out", "refused: private address" … */
  error: string;
  brokenSince: string;
  checkedAt: string;
}

function claim(app: AppContext, now: Date) {
  const due = and(
    eq(resources.kind, "link"),
    isNull(resources.retiredAt),
    // An ISO string, cast: postgres-js takes no Date for an untyped parameter.
    or(isNull(resources.linkCheckedAt), lte(resources.linkCheckedAt, sql`${now.toISOString()}::timestamptz - make_interval(days => ${LINK_CHECK_DAYS})`)),
  );
  const batch = app.db.select({ id: resources.id }).from(resources).where(due).orderBy(asc(resources.linkCheckedAt)).limit(CLAIM_BATCH).for("update", { skipLocked: true });
  return app.db
    .update(resources)
    .set({ linkCheckedAt: now })
    .where(and(inArray(resources.id, batch), due))
    .returning({ id: resources.id, organizationId: resources.organizationId, title: resources.title, url: resources.url, linkStatus: resources.linkStatus });
}

type Claimed = Awaited<ReturnType<typeof claim>>[number];

export function probeOptionsOf(app: AppContext): ProbeOptions {
  return { timeoutMs: app.config.LINK_CHECK_TIMEOUT_MS, allowAddresses: app.config.LINK_CHECK_ALLOW_ADDRESSES };
}

export async function checkLinks(app: AppContext, now: Date, options: ProbeOptions = probeOptionsOf(app)): Promise<void> {
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const batch = await claim(app, now);
    for (let j = 0; j < batch.length; j += PARALLEL) {
      await Promise.all(batch.slice(j, j + PARALLEL).map(async (r) => record(app, r, await probeLink(r.url ?? "", options), now)));
    }
    if (batch.length < CLAIM_BATCH) break;
  }
}

async function record(app: AppContext, r: Claimed, result: ProbeResult, now: Date) {
  // The resource id and the outcome only: never the address (it may carry a token).
  log.debug("link checked", { resourceId: r.id, ok: result.ok });
  if (result.ok) {
    await app.db.update(resources).set({ linkStatus: "ok", linkError: null, linkBrokenSince: null }).where(eq(resources.id, r.id));
    return;
  }
  const [row] = await app.db
    .update(resources)
    .set({ linkStatus: "broken", linkError: result.error, linkBrokenSince: sql`coalesce(${resources.linkBrokenSince}, ${now.toISOString()}::timestamptz)` })
    .where(eq(resources.id, r.id))
    .returning({ brokenSince: resources.linkBrokenSince });
  // Told when it becomes broken, not every week it stays so (the claim row holds the status before).
  if (r.linkStatus !== "broken" && row?.brokenSince) await tellStaff(app, r, result.error, row.brokenSince);
}

async function tellStaff(app: AppContext, r: Claimed, error: string, brokenSince: Date) {
  const staff = await app.db.select({ userId: organizationMembers.userId }).from(organizationMembers).where(eq(organizationMembers.organizationId, r.organizationId));
  if (staff.length === 0) return;
  await recordNotifications(app, {
    kind: "resource_link_broken",
    recipients: staff.map((s) => s.userId),
    audience: { organizationStaff: r.organizationId },
    title: `A link in the library is broken: “${r.title}”`,
    body: `The weekly check could not open it (${error}). Fix the address or retire the resource.`,
    link: `/library/${r.id}`,
    dedupeKey: `link-broken:${r.id}:${brokenSince.toISOString()}`,
  });
}

/**
 * A saved link is checked again at the next sweep (its address may have been fixed, or changed):
 * only the check's date is cleared, so the status it had still decides whether staff are told.
 */
export async function recheckLinkSoon(tx: Transaction, resourceId: string): Promise<void> {
  await tx.update(resources).set({ linkCheckedAt: null }).where(and(eq(resources.id, resourceId), eq(resources.kind, "link")));
}

/** The sweep's entry (sweep.server.ts). */
export const linkCheckSweep = (app: AppContext, now: Date) => checkLinks(app, now);

/** The organization's link resources the weekly check found broken (staff only: library.create). */
export async function listBrokenLinks(app: AppContext, viewer: Actor | null, organizationId: string): Promise<BrokenLink[]> {
  const orgRole = await organizationRoleOf(app, viewer, organizationId);
  assertCan(viewer, "library.create", { orgRole }, "That organization");
  const rows = await app.db
    .select({
      id: resources.id,
      title: resources.title,
      url: resources.url,
      error: resources.linkError,
      brokenSince: resources.linkBrokenSince,
      checkedAt: resources.linkCheckedAt,
    })
    .from(resources)
    .where(and(eq(resources.organizationId, organizationId), eq(resources.kind, "link"), eq(resources.linkStatus, "broken"), isNull(resources.retiredAt)))
    .orderBy(asc(resources.linkBrokenSince), asc(resources.id))
    .limit(200);
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    url: r.url ?? "",
    error: r.error ?? "broken",
    brokenSince: (r.brokenSince ?? r.checkedAt ?? new Date(0)).toISOString(),
    checkedAt: (r.checkedAt ?? new Date(0)).toISOString(),
  }));
}
