import type { MailTemplate } from "#app/modules/mail/templates.server";
import { accountAt, accountLink, NoData } from "./links.server";

/**
 * "Forgot password?": queued for any address typed in (so the page answers the same for every
 * address); rendered only when an active account has it.
 */
export const resetMail = {
  data: NoData,
  async render(app, _data, to) {
    const user = await accountAt(app, to);
    if (!user || user.status !== "active") return null;
    return {
      subject: "Choose a new password for Hearth",
      heading: "Choose a new password",
      paragraphs: [
        "Someone (we hope you) asked to reset the password of your Hearth account.",
        "The link works once, for 30 minutes. Choosing a new password signs you out everywhere else.",
      ],
      action: { label: "Choose a new password", url: await accountLink(app, user.id, to, "reset_password", "/reset-password") },
      footer: ["If you didn't ask for this, you can ignore this message: your password stays as it is."],
    };
  },
} satisfies MailTemplate<typeof NoData>;
