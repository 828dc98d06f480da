import { eq } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";
import { issueScopedToken, readScopedToken } from "#app/modules/accounts/tokens.server";
import { absoluteUrl } from "#app/modules/mail/compose.server";
import { readNotificationSettings } from "./settings";
import { NOTIFICATION_TYPE_INFO, NOTIFICATION_TYPES, type Channel, type NotificationType } from "./types";

/**
 * One-click unsubscribe (RFC 8058). Each notification e-mail carries a link whose token names what
 * it stops: one notification type, or "digest" (every type sent in the digest). The token is
 * multi-use (a second click, or the mail client's POST and then the person's, is fine) and lasts 90
 * days; it changes only that preference, to "in Hearth only". It signs no one in.
 */
export type UnsubscribeScope = NotificationType | "digest";

export const UNSUBSCRIBE_INVALID =
  "This unsubscribe link doesn't work. It may be older than 90 days or incomplete. Sign in and open Settings → Notifications to choose what Hearth e-mails you.";

const isScope = (s: string | null): s is UnsubscribeScope => s === "digest" || (NOTIFICATION_TYPES as readonly string[]).includes(s ?? "");

/** What a scope stops, in the member's words (the unsubscribe page and the mail footer). */
export function scopeLabel(scope: UnsubscribeScope): string {
  return scope === "digest" ? "The daily e-mail digest" : NOTIFICATION_TYPE_INFO[scope].label;
}

/** The absolute link for the mail's List-Unsubscribe header and footer (a fresh token each mail). */
export async function unsubscribeUrl(app: AppContext, person: { id: string; email: string }, scope: UnsubscribeScope): Promise<string> {
  const token = await issueScopedToken(app, person.id, "unsubscribe", person.email, scope);
  return absoluteUrl(app.config, `/unsubscribe?token=${token}`);
}

/** The headers RFC 8058 asks for: a mail client's "Unsubscribe" button POSTs to the link. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

async function scopeOf(app: AppContext, token: string): Promise<{ userId: string; scope: UnsubscribeScope }> {
  const row = await readScopedToken(app, token, "unsubscribe");
  if (!row || !isScope(row.scope)) throw Invalid(UNSUBSCRIBE_INVALID);
  return { userId: row.userId, scope: row.scope };
}

/** The GET page: what the link would stop. Changes nothing (link scanners follow GETs). */
export async function checkUnsubscribe(app: AppContext, token: string): Promise<{ label: string }> {
  return { label: scopeLabel((await scopeOf(app, token)).scope) };
}

/**
 * The POST: the type's e-mail (at once or digest) becomes in-app only; for "digest", every type
 * in the digest does. Read and written under a row lock, so a settings save at the same moment
 * can't be half undone. Answers the labels of what changed (empty when it already was off).
 */
export async function unsubscribe(app: AppContext, token: string): Promise<{ label: string; changed: string[] }> {
  const { userId, scope } = await scopeOf(app, token);
  const changed = await app.db.transaction(async (tx) => {
    const [row] = await tx.select({ settings: users.notificationSettings }).from(users).where(eq(users.id, userId)).for("update");
    if (!row) throw Invalid(UNSUBSCRIBE_INVALID);
    const current = readNotificationSettings(row.settings).channels;
    const stops = (type: NotificationType, channel: Channel) => (scope === "digest" ? channel === "digest" : type === scope && (channel === "email" || channel === "digest"));
    const types = NOTIFICATION_TYPES.filter((t) => stops(t, current[t]));
    if (types.length === 0) return [];
    const channels = { ...current, ...Object.fromEntries(types.map((t) => [t, "in_app"])) };
    await tx.update(users).set({ notificationSettings: { ...row.settings, channels } }).where(eq(users.id, userId));
    return types.map((t) => NOTIFICATION_TYPE_INFO[t].label);
  });
  return { label: scopeLabel(scope), changed };
}
