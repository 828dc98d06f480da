import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, TimeSpan } from "lucia";
import { eq, sql, type SQL } from "drizzle-orm";
import { sessions, users, type AccountPreferences } from "#db/schema/index";
import type { Database } from "#db/client";
import { preparedStatement } from "#db/prepared";
import type { AppContext } from "#app/lib/app-context.server";

/**
 * The only file that knows about Lucia (v3, deprecated upstream). It exposes the names of Lucia's
 * current "sessions guide" so moving to that implementation later changes this file alone.
 */

export interface Viewer {
  id: string;
  displayName: string;
  siteRole: "member" | "admin";
  status: "active" | "suspended";
  sessionId: string;
  /** Posting, replying, chat and RSVPs wait for a confirmed address (the policy asks this). */
  emailVerified: boolean;
  /** Accessibility preferences, applied by the root layout on every device. */
  preferences: AccountPreferences;
}

function buildLucia(db: Database, days: number) {
  // The adapter's types name a concrete Drizzle driver; both of ours share PgDatabase at runtime.
  const adapter = new DrizzlePostgreSQLAdapter(db as never, sessions, users);
  return new Lucia(adapter, {
    sessionExpiresIn: new TimeSpan(days, "d"),
    getUserAttributes: (a) => ({
      displayName: a.displayName,
      siteRole: a.siteRole,
      status: a.status,
      emailVerifiedAt: a.emailVerifiedAt,
      preferences: a.preferences,
    }),
    getSessionAttributes: (a) => ({ lastUsedAt: a.lastUsedAt }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof buildLucia>;
    DatabaseUserAttributes: {
      displayName: string;
      siteRole: "member" | "admin";
      status: "active" | "suspended";
      emailVerifiedAt: Date | null;
      preferences: AccountPreferences;
    };
    DatabaseSessionAttributes: { device: string; lastUsedAt?: Date };
  }
}

const LAST_USED_GRANULARITY_MS = 5 * 60 * 1000;

const instances = new WeakMap<object, ReturnType<typeof buildLucia>>();
function luciaFor(app: AppContext) {
  let lucia = instances.get(app.db);
  if (!lucia) {
    lucia = buildLucia(app.db, app.config.SESSION_DAYS);
    instances.set(app.db, lucia);
  }
  return lucia;
}

/** `device` is a short label from the User-Agent ("Firefox on Android"), shown in settings → sessions. */
export async function createSession(app: AppContext, userId: string, device = "") {
  const session = await luciaFor(app).createSession(userId, { device: device.slice(0, 100) });
  return { token: session.id, expiresAt: session.expiresAt };
}

/** Columns of the outer query `alongside` may read: the session's user. */
export const sessionUser = { id: users.id, siteRole: users.siteRole };

/**
 * The session check's statement with `alongside` (SQL columns about the session's user) read in
 * the same round trip: built and prepared once (db/prepared.ts), so make one per set of columns, at
 * module level (the layout's header, modules/header).
 */
export function sessionColumns<T extends Record<string, SQL>>(alongside: T) {
  return {
    statement: preparedStatement((db) =>
      db
        .select({
          ...alongside,
          sessionId: sessions.id,
          expiresAt: sessions.expiresAt,
          lastUsedAt: sessions.lastUsedAt,
          userId: users.id,
          displayName: users.displayName,
          siteRole: users.siteRole,
          status: users.status,
          emailVerifiedAt: users.emailVerifiedAt,
          preferences: users.preferences,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.id, sql.placeholder("token")))
        .limit(1)
        .prepare("session"),
    ),
  };
}
export type SessionColumns<T extends Record<string, SQL>> = ReturnType<typeof sessionColumns<T>>;
const plainSession = sessionColumns({});
/** The session's own columns, whatever `alongside` adds. */
type SessionRow = Awaited<ReturnType<ReturnType<typeof plainSession.statement>["execute"]>>[number];

/**
 * Validates a token; extends the session when it is past half its life (`refreshed` tells the
 * caller to send a new cookie). Suspended accounts lose every session here too.
 *
 * One statement (session joined to its user): the same checks as Lucia's validateSession, written
 * here so `alongside` (sessionColumns) comes back in the same round trip. Writes happen only when
 * the session expired, the account is suspended, the expiry slides, or "last used" is stale.
 */
export async function validateSessionToken<T extends Record<string, SQL>>(app: AppContext, token: string, alongside?: SessionColumns<T>) {
  const [row] = (await (alongside ?? plainSession).statement(app.db).execute({ token })) as SessionRow[];
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    await luciaFor(app).invalidateSession(row.sessionId);
    return null;
  }
  if (row.status !== "active") {
    await luciaFor(app).invalidateUserSessions(row.userId);
    return null;
  }
  const viewer: Viewer = {
    id: row.userId,
    displayName: row.displayName,
    siteRole: row.siteRole,
    status: row.status,
    sessionId: row.sessionId,
    emailVerified: row.emailVerifiedAt !== null,
    preferences: row.preferences,
  };
  // Sliding expiry as Lucia has it: past half its life, the session gets a whole new one.
  const lifetime = app.config.SESSION_DAYS * 24 * 3_600_000;
  const refreshed = row.expiresAt.getTime() - lifetime / 2 <= now;
  const expiresAt = refreshed ? new Date(now + lifetime) : row.expiresAt;
  // "Last used" is approximate on purpose: at most one write per session every few minutes.
  const stale = now - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS;
  if (refreshed || stale) {
    await app.db
      .update(sessions)
      .set({ lastUsedAt: new Date(now), ...(refreshed ? { expiresAt } : {}) })
      .where(eq(sessions.id, row.sessionId));
  }
  return { viewer, expiresAt, refreshed, alongside: row as unknown as { [K in keyof T]: T[K] extends SQL<infer U> ? U : never } };
}

export async function invalidateSession(app: AppContext, sessionId: string) {
  await luciaFor(app).invalidateSession(sessionId);
  app.realtime.disconnectSession(sessionId);
}

export async function invalidateUserSessions(app: AppContext, userId: string) {
  await luciaFor(app).invalidateUserSessions(userId);
  await app.realtime.disconnectUser(userId);
}

/** `__Host-` prefix under HTTPS: the browser then refuses the cookie from any subdomain or over HTTP. */
export function sessionCookieName(secure: boolean) {
  return secure ? "__Host-hearth_session" : "hearth_session";
}

export function setSessionTokenCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [
    `${sessionCookieName(secure)}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function deleteSessionTokenCookie(secure: boolean): string {
  return [`${sessionCookieName(secure)}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure ? ["Secure"] : [])].join(
    "; ",
  );
}

/** Reads the session token from a Cookie header. */
export function readSessionToken(cookieHeader: string | undefined | null, secure: boolean): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName(secure);
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      // Lucia ids are lower-case alphanumerics; anything else is not ours.
      return /^[a-z0-9]{1,100}$/.test(value) ? value : null;
    }
  }
  return null;
}
