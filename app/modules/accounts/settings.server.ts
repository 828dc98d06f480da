import { eq } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { hashPassword } from "#app/lib/password.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { sendMail } from "#app/modules/mail/send.server";
import { verifyReauthentication } from "./reauth.server";
import { endOtherSessions } from "./sessions.server";
import type { ChangePasswordSchema } from "./settings.schema";
import type { z } from "zod";

/**
 * Settings → password: needs the current password or a passkey. Every other session of the account
 * ends (and its sockets, on every node: whoever knew the old password is signed out), this one stays,
 * and the account's address gets a notice.
 */
export async function changePassword(app: AppContext, viewer: Viewer, input: z.infer<typeof ChangePasswordSchema>): Promise<number> {
  await verifyReauthentication(app, viewer, input);
  const passwordHash = await hashPassword(input.newPassword);
  const [user] = await app.db.update(users).set({ passwordHash }).where(eq(users.id, viewer.id)).returning({ email: users.email });
  const ended = await endOtherSessions(app, viewer);
  if (user?.email) await sendMail(app, user.email, "accounts.password-changed", {});
  return ended;
}
