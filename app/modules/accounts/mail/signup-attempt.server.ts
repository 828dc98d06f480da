import type { MailTemplate } from "#app/modules/mail/templates.server";
import { accountAt, accountLink, NoData } from "./links.server";

/**
 * Sent to the owner of a registered address when someone signs up with it: the sign-up page answers
 * the same either way, so only the owner learns of it, with a way back in if it was them.
 */
export const signupAttemptMail = {
  data: NoData,
  async render(app, _data, to) {
    const user = await accountAt(app, to);
    if (!user || user.status !== "active") return null;
    return {
      subject: "Someone tried to create a Hearth account with your address",
      heading: "You already have an account",
      paragraphs: [
        "Someone tried to create an account on Hearth with your e-mail address. Your account already uses this address, so no new account was made and nothing was changed.",
        "If it was you, you can sign in as usual. If you've forgotten your password, choose a new one with this link (it works once, for 30 minutes).",
      ],
      action: { label: "Choose a new password", url: await accountLink(app, user.id, to, "reset_password", "/reset-password") },
      footer: ["If it wasn't you, you can ignore this message: your account is safe."],
    };
  },
} satisfies MailTemplate<typeof NoData>;
