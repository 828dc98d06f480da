import { and, eq, isNull, sql } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, DomainError } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { dummyPasswordHash, hashPassword, verifyPassword } from "#app/lib/password.server";
import type { RateRule } from "#app/lib/rate-limit.server";
import type { SignInInput, SignUpInput } from "#app/modules/auth/auth.schema";
import { createSession } from "#app/modules/auth/session.server";
import { SIGN_UP_CONSENTS, recordConsents } from "./consent.server";
import { displayNameSkeleton, displayNameTaken } from "./display-name.server";
import { sendMail } from "#app/modules/mail/send.server";
import { checkDisplayName, flagDisplayName } from "#app/modules/safety/watched.server";

export const SIGN_IN_FAILURES_PER_ACCOUNT: RateRule = {
  limit: 10,
  windowSeconds: 15 * 60,
  message: "Too many failed sign-in attempts for this account from your connection.",
};
export const SIGN_IN_FAILURES_PER_IP: RateRule = {
  limit: 100,
  windowSeconds: 24 * 60 * 60,
  message: "Too many failed sign-in attempts from your connection today.",
};
export const signUpsPerIp = (limit: number): RateRule => ({
  limit,
  windowSeconds: 60 * 60,
  message: "Too many new accounts were created from your connection.",
});

export const INVALID_CREDENTIALS = "That email and password don't match an account.";
export const DISPLAY_NAME_TAKEN = "Someone already uses this display name. Please choose another.";

/**
 * Sign-up never says whether an address has an account (DESIGN.md §6): a new address gets an
 * unverified account and the confirmation mail; a registered one gets nothing new, and its owner a
 * "someone tried to sign up" mail with a reset link. Both hash the password (same time) and return
 * nothing, so the route answers both the same way, and nobody is signed in until the link is used.
 * Display names are public, so a taken one is still said inline.
 */
export async function signUp(app: AppContext, input: SignUpInput, ip: string): Promise<void> {
  await app.limiter.hit(`signup:ip:${ip}`, signUpsPerIp(app.config.SIGNUPS_PER_IP_PER_HOUR));
  const [emailTaken, nameTaken] = await Promise.all([
    app.db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).limit(1),
    // Also refuses look-alikes of a taken name (UTS #39 skeleton).
    displayNameTaken(app, input.displayName),
  ]);
  if (nameTaken) throw Conflict("Please correct the highlighted fields.", { displayName: [DISPLAY_NAME_TAKEN] });
  const flagged = await checkDisplayName(app.db, input.displayName);

  const passwordHash = await hashPassword(input.password);
  if (emailTaken.length) return sendMail(app, input.email, "accounts.signup-attempt", {});
  const id = newId();
  try {
    await app.db.transaction(async (tx) => {
      await tx.insert(users).values({ id, email: input.email, passwordHash, displayName: input.displayName, displayNameSkeleton: displayNameSkeleton(input.displayName) });
      await recordConsents(app, id, SIGN_UP_CONSENTS, tx);
      await flagDisplayName(tx, id, flagged);
    });
  } catch (e) {
    // Two sign-ups raced past the checks above: the address is registered now, so answer as for one.
    if (isUniqueViolation(e, "users_email_key")) return sendMail(app, input.email, "accounts.signup-attempt", {});
    if (isUniqueViolation(e)) throw Conflict("Please correct the highlighted fields.", { displayName: [DISPLAY_NAME_TAKEN] });
    throw e;
  }
  await sendMail(app, input.email, "accounts.verify", {});
}

/**
 * Unknown email and wrong password take the same time and give the same answer. Failures are
 * counted per account+IP (so an attacker elsewhere cannot lock the owner out) and per IP per day;
 * both windows expire on their own.
 */
export async function signIn(app: AppContext, input: Pick<SignInInput, "email" | "password">, ip: string, device = "") {
  const accountKey = `signin:acct:${input.email}|${ip}`;
  const ipKey = `signin:ip:${ip}`;
  await app.limiter.check(accountKey, SIGN_IN_FAILURES_PER_ACCOUNT);
  await app.limiter.check(ipKey, SIGN_IN_FAILURES_PER_IP);

  const [user] = await app.db
    .select({ id: users.id, passwordHash: users.passwordHash, status: users.status })
    .from(users)
    .where(eq(users.email, input.email))
    .limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok) {
    await app.limiter.record(accountKey, SIGN_IN_FAILURES_PER_ACCOUNT);
    await app.limiter.record(ipKey, SIGN_IN_FAILURES_PER_IP);
    throw new DomainError("invalid", INVALID_CREDENTIALS);
  }
  if (user.status !== "active") {
    throw new DomainError("forbidden", "This account is suspended. Contact the site administrators if you think this is a mistake.");
  }
  await app.limiter.reset(accountKey);
  const session = await createSession(app, user.id, device);
  return { userId: user.id, ...session };
}

export async function getUserById(app: AppContext, id: string) {
  const [user] = await app.db
    .select({ id: users.id, displayName: users.displayName, siteRole: users.siteRole, status: users.status, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return user ?? null;
}

/**
 * The account a staff member names by display name (team changes, suspensions): any letter case, and
 * never a deleted one ("Former member …" accounts can't be given a role or sanctioned).
 */
export async function findAccountByDisplayName(app: AppContext, displayName: string) {
  const [user] = await app.db
    .select({ id: users.id, displayName: users.displayName, status: users.status, siteRole: users.siteRole })
    .from(users)
    .where(and(sql`lower(${users.displayName}) = lower(${displayName})`, isNull(users.deletedAt)))
    .limit(1);
  return user ?? null;
}
