import { eq, sql } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, DomainError } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { dummyPasswordHash, hashPassword, verifyPassword } from "#app/lib/password.server";
import type { RateRule } from "#app/lib/rate-limit.server";
import type { SignInInput, SignUpInput } from "#app/modules/auth/auth.schema";
import { createSession } from "#app/modules/auth/session.server";

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
export const EMAIL_IN_USE = "This email can't be used to create a new account. If you already have one, sign in instead.";
export const DISPLAY_NAME_TAKEN = "Someone already uses this display name. Please choose another.";

export async function signUp(app: AppContext, input: SignUpInput, ip: string) {
  app.limiter.hit(`signup:ip:${ip}`, signUpsPerIp(app.config.SIGNUPS_PER_IP_PER_HOUR));
  const [emailTaken, nameTaken] = await Promise.all([
    app.db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).limit(1),
    app.db
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.displayName})`, input.displayName.toLowerCase()))
      .limit(1),
  ]);
  const fieldErrors: Record<string, string[]> = {};
  if (emailTaken.length) fieldErrors.email = [EMAIL_IN_USE];
  if (nameTaken.length) fieldErrors.displayName = [DISPLAY_NAME_TAKEN];
  if (Object.keys(fieldErrors).length) throw Conflict("Please correct the highlighted fields.", fieldErrors);

  const passwordHash = await hashPassword(input.password);
  const id = newId();
  try {
    await app.db.insert(users).values({ id, email: input.email, passwordHash, displayName: input.displayName });
  } catch (e) {
    // Two sign-ups raced past the checks above.
    if (isUniqueViolation(e, "users_email_key")) throw Conflict("Please correct the highlighted fields.", { email: [EMAIL_IN_USE] });
    if (isUniqueViolation(e)) throw Conflict("Please correct the highlighted fields.", { displayName: [DISPLAY_NAME_TAKEN] });
    throw e;
  }
  const session = await createSession(app, id);
  return { userId: id, ...session };
}

/**
 * Unknown email and wrong password take the same time and give the same answer. Failures are
 * counted per account+IP (so an attacker elsewhere cannot lock the owner out) and per IP per day;
 * both windows expire on their own.
 */
export async function signIn(app: AppContext, input: Pick<SignInInput, "email" | "password">, ip: string) {
  const accountKey = `signin:acct:${input.email}|${ip}`;
  const ipKey = `signin:ip:${ip}`;
  app.limiter.check(accountKey, SIGN_IN_FAILURES_PER_ACCOUNT);
  app.limiter.check(ipKey, SIGN_IN_FAILURES_PER_IP);

  const [user] = await app.db
    .select({ id: users.id, passwordHash: users.passwordHash, status: users.status })
    .from(users)
    .where(eq(users.email, input.email))
    .limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok) {
    app.limiter.record(accountKey, SIGN_IN_FAILURES_PER_ACCOUNT);
    app.limiter.record(ipKey, SIGN_IN_FAILURES_PER_IP);
    throw new DomainError("invalid", INVALID_CREDENTIALS);
  }
  if (user.status !== "active") {
    throw new DomainError("forbidden", "This account is suspended. Contact the site administrators if you think this is a mistake.");
  }
  app.limiter.reset(accountKey);
  const session = await createSession(app, user.id);
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
