import { eq } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";
import type { RateRule } from "#app/lib/rate-limit.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { sendMail } from "#app/modules/mail/send.server";
import { checkLink, signInWithLink } from "./link-session.server";

export const VERIFY_RESENDS_PER_ACCOUNT: RateRule = {
  limit: 3,
  windowSeconds: 60 * 60,
  message: "We have sent the link several times in the last hour. Please check your spam folder, or wait a little.",
};
export const ALREADY_VERIFIED = "Your e-mail address is already confirmed.";

export const checkVerificationLink = (app: AppContext, token: string) => checkLink(app, token, "verify_email");

/** "Confirm my e-mail address" (the POST behind the link): confirms it and signs in on this device. */
export const confirmEmail = (app: AppContext, token: string, device: string) => signInWithLink(app, token, "verify_email", device);

/** "Send the link again" from the banner: a new link (the older one stops working), 3 an hour. */
export async function resendVerification(app: AppContext, viewer: Viewer): Promise<void> {
  const [user] = await app.db.select({ email: users.email, verifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, viewer.id)).limit(1);
  if (!user?.email || user.verifiedAt) throw Invalid(ALREADY_VERIFIED);
  await app.limiter.hit(`verify:resend:${viewer.id}`, VERIFY_RESENDS_PER_ACCOUNT);
  await sendMail(app, user.email, "accounts.verify", {});
}
