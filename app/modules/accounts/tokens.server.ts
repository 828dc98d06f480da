import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { accountTokens } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";

/**
 * The one token module (DESIGN.md §8): every link we mail carries a random 256-bit token; only its
 * SHA-256 is stored, it is single use, and it expires. A leaked table holds no usable link.
 */
export type TokenPurpose = (typeof accountTokens.$inferSelect)["purpose"];

export const TOKEN_LIFETIMES_MS: Record<TokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  change_email: 24 * 60 * 60 * 1000,
  reset_password: 30 * 60 * 1000,
  magic_link: 15 * 60 * 1000,
  // Unsubscribe links work without signing in for as long as a member might keep the e-mail.
  unsubscribe: 90 * 24 * 60 * 60 * 1000,
};

export const LINK_INVALID = "This link has expired or has already been used. You can ask for a new one.";

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
/** Tokens are 43 base64url characters; anything else is not ours and never reaches the database. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new single-use token for this account and purpose, sent to `email`. Earlier unused tokens of the
 * same purpose stop working (only the newest link works) and expired rows are swept.
 */
export async function issueToken(app: AppContext, userId: string, purpose: TokenPurpose, email: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  await app.db.transaction(async (tx) => {
    await tx
      .delete(accountTokens)
      .where(or(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose)), lt(accountTokens.expiresAt, now)));
    await tx.insert(accountTokens).values({
      tokenHash: hash(token),
      userId,
      purpose,
      email,
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIMES_MS[purpose]),
    });
  });
  return token;
}

/**
 * Uses a token up: answers its account and address, or throws Invalid (expired, used, forged, or for
 * another purpose: one message for all, so nothing is revealed). Marking it used is one conditional
 * UPDATE, so two clicks racing can't both succeed.
 */
export async function consumeToken(app: AppContext, token: string, purpose: TokenPurpose): Promise<{ userId: string; email: string }> {
  if (!TOKEN_SHAPE.test(token)) throw Invalid(LINK_INVALID);
  const tokenHash = hash(token);
  const [row] = await app.db
    .update(accountTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(accountTokens.tokenHash, tokenHash),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, new Date()),
      ),
    )
    .returning({ userId: accountTokens.userId, email: accountTokens.email, tokenHash: accountTokens.tokenHash });
  // The lookup is by hash (an index match, not a string comparison of the secret); compare once more in constant time.
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(tokenHash))) throw Invalid(LINK_INVALID);
  return { userId: row.userId, email: row.email };
}

/** Whether a token would be accepted, without using it (a page that shows a form before the POST uses it). */
export async function peekToken(app: AppContext, token: string, purpose: TokenPurpose): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  const [row] = await app.db
    .select({ userId: accountTokens.userId })
    .from(accountTokens)
    .where(
      and(
        eq(accountTokens.tokenHash, hash(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, new Date()),
      ),
    )
    .limit(1);
  return !!row;
}

/**
 * A multi-use token for one `scope` of a purpose (unsubscribe: a notification type, or "digest"):
 * every notification e-mail carries its own, and issuing one must NOT revoke the links in earlier
 * mail (a member may click the one in last week's message). Only this account's expired rows go.
 */
export async function issueScopedToken(app: AppContext, userId: string, purpose: TokenPurpose, email: string, scope: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  await app.db.delete(accountTokens).where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), lt(accountTokens.expiresAt, now)));
  await app.db.insert(accountTokens).values({
    tokenHash: hash(token),
    userId,
    purpose,
    email,
    scope,
    expiresAt: new Date(now.getTime() + TOKEN_LIFETIMES_MS[purpose]),
  });
  return token;
}

/** A multi-use token's account, address and scope, or null (forged, expired, malformed, other purpose). Never used up. */
export async function readScopedToken(app: AppContext, token: string, purpose: TokenPurpose): Promise<{ userId: string; email: string; scope: string | null } | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const tokenHash = hash(token);
  const [row] = await app.db
    .select({ userId: accountTokens.userId, email: accountTokens.email, scope: accountTokens.scope, tokenHash: accountTokens.tokenHash })
    .from(accountTokens)
    .where(and(eq(accountTokens.tokenHash, tokenHash), eq(accountTokens.purpose, purpose), gt(accountTokens.expiresAt, new Date())))
    .limit(1);
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(tokenHash))) return null;
  return { userId: row.userId, email: row.email, scope: row.scope };
}
