import { and, eq, isNull, sql } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { readForm } from "#app/lib/http.server";
import { Forbidden, Invalid } from "#app/lib/errors";
import { createSession } from "#app/modules/auth/session.server";
import { LinkTokenSchema } from "./account-mail.schema";
import { consumeToken, LINK_INVALID, peekToken, type TokenPurpose } from "./tokens.server";

export const SUSPENDED = "This account is suspended. Contact the site administrators if you think this is a mistake.";

/** The token of a mailed link's address (`?token=`); a missing or odd one is "" and refused as invalid. */
export const linkTokenInUrl = (request: Request) => LinkTokenSchema.parse({ token: new URL(request.url).searchParams.get("token") ?? "" }).token;

/** The token the link page's confirm button posts back. */
export const linkTokenInForm = async (request: Request) => LinkTokenSchema.parse(Object.fromEntries(await readForm(request))).token;

/** A link page's GET: the token must still work, else the 400 "expired" page. Nothing is used up. */
export async function checkLink(app: AppContext, token: string, purpose: TokenPurpose): Promise<void> {
  if (!(await peekToken(app, token, purpose))) throw Invalid(LINK_INVALID);
}

/**
 * The POST behind a mailed link: uses the token up, and, when its account is still active at the
 * address it was sent to, marks that address confirmed (the link proves the mailbox), applies
 * `change` (e.g. the new password hash) and starts a session on this device. A link for an address
 * the account no longer has is as dead as an expired one.
 */
export async function signInWithLink(
  app: AppContext,
  token: string,
  purpose: TokenPurpose,
  device: string,
  change: Partial<Pick<typeof users.$inferInsert, "passwordHash">> = {},
  beforeSession: (userId: string) => Promise<void> = async () => {},
) {
  const { userId, email } = await consumeToken(app, token, purpose);
  const [user] = await app.db
    .update(users)
    .set({ ...change, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
    .where(and(eq(users.id, userId), eq(users.email, email), isNull(users.deletedAt), eq(users.status, "active")))
    .returning({ id: users.id });
  if (!user) {
    const [other] = await app.db.select({ status: users.status }).from(users).where(eq(users.id, userId)).limit(1);
    throw other?.status === "suspended" ? Forbidden(SUSPENDED) : Invalid(LINK_INVALID);
  }
  await beforeSession(userId);
  return { userId, ...(await createSession(app, userId, device)) };
}
