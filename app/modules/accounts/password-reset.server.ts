import type { AppContext } from "#app/lib/app-context.server";
import { hashPassword } from "#app/lib/password.server";
import type { RateRule } from "#app/lib/rate-limit.server";
import { invalidateUserSessions } from "#app/modules/auth/session.server";
import { sendMail } from "#app/modules/mail/send.server";
import { checkLink, signInWithLink } from "./link-session.server";

export const RESETS_PER_ADDRESS: RateRule = {
  limit: 3,
  windowSeconds: 60 * 60,
  message: "We have sent several reset links to this address in the last hour. Please check your inbox and spam folder.",
};
export const RESETS_PER_IP: RateRule = {
  limit: 20,
  windowSeconds: 60 * 60,
  message: "Too many password reset requests from your connection.",
};

/**
 * "Forgot password?": the same for every address (the job renders a message only when an active
 * account has it), so neither the answer nor its time says whether the address is registered.
 */
export async function requestPasswordReset(app: AppContext, email: string, ip: string): Promise<void> {
  await app.limiter.check(`reset:ip:${ip}`, RESETS_PER_IP);
  await app.limiter.hit(`reset:addr:${email}`, RESETS_PER_ADDRESS);
  await app.limiter.record(`reset:ip:${ip}`, RESETS_PER_IP);
  await sendMail(app, email, "accounts.reset", {});
}

export const checkResetLink = (app: AppContext, token: string) => checkLink(app, token, "reset_password");

/**
 * Sets the new password from a reset link: the address is proven, every session and socket of the
 * account ends (whoever knew the old password is out), then this device is signed in.
 */
export async function resetPassword(app: AppContext, token: string, password: string, device: string) {
  const passwordHash = await hashPassword(password);
  return signInWithLink(app, token, "reset_password", device, { passwordHash }, (userId) => invalidateUserSessions(app, userId));
}
