import type { AppContext } from "#app/lib/app-context.server";
import type { RateRule } from "#app/lib/rate-limit.server";
import { sendMail } from "#app/modules/mail/send.server";
import { checkLink, signInWithLink } from "./link-session.server";

export const MAGIC_LINKS_PER_ADDRESS: RateRule = {
  limit: 5,
  windowSeconds: 60 * 60,
  message: "We have sent several sign-in links to this address in the last hour. Please check your inbox and spam folder.",
};
export const MAGIC_LINKS_PER_IP: RateRule = {
  limit: 20,
  windowSeconds: 60 * 60,
  message: "Too many sign-in link requests from your connection.",
};

/** "E-mail me a sign-in link": the same answer for every address (the job sends only to active accounts). */
export async function requestMagicLink(app: AppContext, email: string, ip: string): Promise<void> {
  await app.limiter.check(`magic:ip:${ip}`, MAGIC_LINKS_PER_IP);
  await app.limiter.hit(`magic:addr:${email}`, MAGIC_LINKS_PER_ADDRESS);
  await app.limiter.record(`magic:ip:${ip}`, MAGIC_LINKS_PER_IP);
  await sendMail(app, email, "accounts.magic-link", {});
}

export const checkMagicLink = (app: AppContext, token: string) => checkLink(app, token, "magic_link");

/** The "Sign in" button behind the link: signs in on this device (and confirms the address). Suspended accounts can't. */
export const signInWithMagicLink = (app: AppContext, token: string, device: string) => signInWithLink(app, token, "magic_link", device);
