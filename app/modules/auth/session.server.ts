import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, TimeSpan } from "lucia";
import { eq } from "drizzle-orm";
import { sessions, users, type AccountPreferences } from "#db/schema/index";
import type { Database } from "#db/client";
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

/**
 * Validates a token; extends the session when it is past half its life (`refreshed` tells the
 * caller to send a new cookie). Suspended accounts lose every session here too.
 */
export async function validateSessionToken(app: AppContext, token: string) {
  const lucia = luciaFor(app);
  const { session, user } = await lucia.validateSession(token);
  if (!session || !user) return null;
  if (user.status !== "active") {
    await lucia.invalidateUserSessions(user.id);
    return null;
  }
  const viewer: Viewer = {
    id: user.id,
    displayName: user.displayName,
    siteRole: user.siteRole,
    status: user.status,
    sessionId: session.id,
    emailVerified: user.emailVerifiedAt !== null,
    preferences: user.preferences,
  };
  // "Last used" is approximate on purpose: at most one write per session every few minutes.
  if (!session.lastUsedAt || Date.now() - new Date(session.lastUsedAt).getTime() > LAST_USED_GRANULARITY_MS) {
    await app.db.update(sessions).set({ lastUsedAt: new Date() }).where(eq(sessions.id, session.id));
  }
  return { viewer, expiresAt: session.expiresAt, refreshed: session.fresh };
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
