import { and, eq, isNull } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { z } from "zod";
import { absoluteUrl } from "#app/modules/mail/compose.server";
import { issueToken, type TokenPurpose } from "../tokens.server";

/** The account still at `to` (not deleted), as the mail job sees it when it runs. */
export async function accountAt(app: AppContext, to: string) {
  const [user] = await app.db
    .select({ id: users.id, status: users.status, emailVerifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(and(eq(users.email, to.toLowerCase()), isNull(users.deletedAt)))
    .limit(1);
  return user ?? null;
}

/**
 * A single-use link for `userId` at `to`, made when the message is rendered (in the job), so no
 * token ever sits in the queue. Only the newest link of a purpose works.
 */
export async function accountLink(app: AppContext, userId: string, to: string, purpose: TokenPurpose, path: string): Promise<string> {
  const token = await issueToken(app, userId, purpose, to.toLowerCase());
  return absoluteUrl(app.config, `${path}?token=${token}`);
}

/** These messages carry no data: the address they go to is all the job needs (so the queue holds no id either). */
export const NoData = z.object({});
