import { and, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, Invalid } from "#app/lib/errors";
import type { RateRule } from "#app/lib/rate-limit.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { sendMail } from "#app/modules/mail/send.server";
import { verifyReauthentication } from "./reauth.server";
import type { ChangeEmailSchema } from "./settings.schema";
import { consumeToken, LINK_INVALID } from "./tokens.server";

/**
 * Settings → e-mail. The address changes only when the link mailed to the new address is followed
 * (and its page's button pressed): until then nothing about the account changes. The old address
 * is told at once (so a change made from a stolen session is noticed), without the new address in
 * full. The answer never says whether the new address has an account: that address's owner gets a
 * mail saying so instead of a link.
 */

export const EMAIL_CHANGES_PER_ACCOUNT: RateRule = {
  limit: 5,
  windowSeconds: 60 * 60,
  message: "Too many address changes asked for.",
};

export const SAME_ADDRESS = "That is already your address.";
export const ADDRESS_TAKEN_AT_CONFIRM = "This address now belongs to another Hearth account, so it can't be used for yours. Nothing was changed.";

/** "kit@example.org" → "k…@e….org": enough for the owner to recognise, not enough to learn the address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  const local = email.slice(0, Math.max(at, 0));
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : "";
  return `${local.slice(0, 1)}…@${host.slice(0, 1)}…${tld}`;
}

/** The viewer's own address, for their settings page. */
export async function currentEmailOf(app: AppContext, viewer: Viewer): Promise<string | null> {
  return currentEmail(app, viewer.id);
}

async function currentEmail(app: AppContext, userId: string): Promise<string | null> {
  const [u] = await app.db.select({ email: users.email }).from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).limit(1);
  return u?.email ?? null;
}

export async function requestEmailChange(app: AppContext, viewer: Viewer, input: z.infer<typeof ChangeEmailSchema>): Promise<void> {
  await verifyReauthentication(app, viewer, input);
  const oldEmail = await currentEmail(app, viewer.id);
  if (!oldEmail) throw Invalid(LINK_INVALID);
  if (input.newEmail === oldEmail) throw Invalid(SAME_ADDRESS, { newEmail: [SAME_ADDRESS] });
  await app.limiter.hit(`email-change:acct:${viewer.id}`, EMAIL_CHANGES_PER_ACCOUNT);
  const [taken] = await app.db.select({ id: users.id }).from(users).where(eq(users.email, input.newEmail)).limit(1);
  // Same answer and same mails sent either way; only the message to the new address differs.
  if (taken) await sendMail(app, input.newEmail, "accounts.email-change-taken", {});
  else await sendMail(app, input.newEmail, "accounts.email-change-confirm", { userId: viewer.id });
  await sendMail(app, oldEmail, "accounts.email-change-notice", { newAddress: maskEmail(input.newEmail) });
}

/** The link's POST: the account takes the address the link was sent to (confirmed by following it). */
export async function confirmEmailChange(app: AppContext, token: string): Promise<void> {
  const { userId, email } = await consumeToken(app, token, "change_email");
  try {
    const changed = await app.db
      .update(users)
      .set({ email, emailVerifiedAt: new Date() })
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .returning({ id: users.id });
    if (!changed.length) throw Invalid(LINK_INVALID);
  } catch (e) {
    // Someone registered the address between the request and the click.
    if (isUniqueViolation(e)) throw Conflict(ADDRESS_TAKEN_AT_CONFIRM);
    throw e;
  }
}
