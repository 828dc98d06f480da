import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { DomainError, Invalid } from "#app/lib/errors";
import { verifyPassword } from "#app/lib/password.server";
import type { RateRule } from "#app/lib/rate-limit.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { verifyPasskeyReauthentication } from "./passkeys.server";

/**
 * Re-authentication before a sensitive change (password, e-mail, deletion): the current password
 * or a passkey assertion. Wrong passwords are throttled per account like sign-in failures, so a
 * stolen session cannot be used to guess the password.
 */
export const REAUTH_FAILURES: RateRule = {
  limit: 10,
  windowSeconds: 15 * 60,
  message: "Too many wrong passwords.",
};

export const WRONG_PASSWORD = "That isn't your current password.";
export const REAUTH_NEEDED = "Enter your current password, or confirm with a passkey.";

const ReauthSchema = z.object({
  currentPassword: z.string().max(256, "That password is too long.").optional(),
  // A WebAuthn assertion is a few hundred bytes; the cap keeps a hostile body out of JSON.parse.
  passkeyResponse: z.string().max(16_384, "That passkey response is too long.").optional(),
});

/** The fields this reads, from a FormData or an already-parsed object. */
export type ReauthForm = FormData | { currentPassword?: unknown; passkeyResponse?: unknown };

function fieldOf(form: ReauthForm, name: "currentPassword" | "passkeyResponse"): unknown {
  const v = form instanceof FormData ? form.get(name) : form[name];
  return v === null || v === "" ? undefined : v;
}

/** Resolves when the viewer proved it is them; otherwise throws a domain error (field error on currentPassword). */
export async function verifyReauthentication(app: AppContext, viewer: Viewer, form: ReauthForm): Promise<void> {
  const parsed = ReauthSchema.safeParse({
    currentPassword: fieldOf(form, "currentPassword"),
    passkeyResponse: fieldOf(form, "passkeyResponse"),
  });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? REAUTH_NEEDED;
    throw Invalid(message, { currentPassword: [message] });
  }
  const { currentPassword, passkeyResponse } = parsed.data;
  if (passkeyResponse !== undefined) {
    await verifyPasskeyReauthentication(app, viewer, passkeyResponse);
    return;
  }
  if (currentPassword === undefined) throw Invalid(REAUTH_NEEDED, { currentPassword: [REAUTH_NEEDED] });

  const key = `reauth:acct:${viewer.id}`;
  await app.limiter.check(key, REAUTH_FAILURES);
  const [user] = await app.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, viewer.id)).limit(1);
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, currentPassword) : false;
  if (!ok) {
    await app.limiter.record(key, REAUTH_FAILURES);
    throw new DomainError("invalid", WRONG_PASSWORD, { currentPassword: [WRONG_PASSWORD] });
  }
  await app.limiter.reset(key);
}
