import { createHash } from "node:crypto";
import { and, desc, eq, gt, ne } from "drizzle-orm";
import { sessions } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid, NotFound } from "#app/lib/errors";
import { countOf } from "#app/lib/plural";
import { invalidateSession, type Viewer } from "#app/modules/auth/session.server";

/**
 * Settings → sessions: the member's signed-in devices, and ending them. A session's id is its
 * bearer token, so pages never carry it: each session is named by a short hash of it (`ref`), and
 * a ref is only looked up among the viewer's own sessions (another account's is simply not found).
 */

export const sessionRef = (id: string) => createHash("sha256").update(id).digest("base64url").slice(0, 22);

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * "Active now", "today", "yesterday", "3 days ago": deliberately approximate (last use is only
 * written every few minutes, and an exact time would be a needless trail of the member's habits).
 */
export function approximateLastUse(lastUsedAt: Date, now: Date): string {
  const ago = now.getTime() - lastUsedAt.getTime();
  if (ago < 15 * 60 * 1000) return "active now";
  if (ago < DAY_MS) return "today";
  if (ago < 2 * DAY_MS) return "yesterday";
  const days = Math.floor(ago / DAY_MS);
  if (days < 14) return `${days} days ago`;
  if (days < 60) return `${countOf(Math.floor(days / 7), "week")} ago`;
  return "over 2 months ago";
}

const dateText = (d: Date) => d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

export interface SessionRow {
  ref: string;
  device: string;
  lastUse: string;
  signedIn: string;
  current: boolean;
}

/** The viewer's live sessions, this device first, then the most recently used. */
export async function listSessions(app: AppContext, viewer: Viewer, now = new Date()): Promise<SessionRow[]> {
  const rows = await app.db
    .select({ id: sessions.id, device: sessions.device, createdAt: sessions.createdAt, lastUsedAt: sessions.lastUsedAt })
    .from(sessions)
    .where(and(eq(sessions.userId, viewer.id), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastUsedAt));
  return rows
    .map((r) => ({
      ref: sessionRef(r.id),
      device: r.device || "a browser",
      lastUse: r.id === viewer.sessionId ? "active now" : approximateLastUse(r.lastUsedAt, now),
      signedIn: dateText(r.createdAt),
      current: r.id === viewer.sessionId,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of the viewer's other sessions (its sockets too, on every node). This one is ended by signing out. */
export async function endSession(app: AppContext, viewer: Viewer, ref: string): Promise<void> {
  const own = await app.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, viewer.id));
  const target = own.find((s) => sessionRef(s.id) === ref);
  if (!target) throw NotFound("That session");
  if (target.id === viewer.sessionId) throw Invalid("This is the device you are using: sign out to end it.");
  await invalidateSession(app, target.id);
}

/** Ends every session of the viewer's account except this one (and their sockets, on every node); answers how many. */
export async function endOtherSessions(app: AppContext, viewer: Viewer): Promise<number> {
  const others = await app.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, viewer.id), ne(sessions.id, viewer.sessionId)));
  for (const s of others) await invalidateSession(app, s.id);
  return others.length;
}
