import type { MailTemplate } from "#app/modules/mail/templates.server";
import { absoluteUrl } from "#app/modules/mail/compose.server";
import { accountAt, NoData } from "./links.server";

/** "Your password was changed": after a change in settings, so the owner notices one they didn't make. */
export const passwordChangedMail = {
  data: NoData,
  async render(app, _data, to) {
    const user = await accountAt(app, to);
    if (!user) return null;
    return {
      subject: "Your Hearth password was changed",
      heading: "Your password was changed",
      paragraphs: [
        "The password of your Hearth account was just changed in Settings. Every other device signed in to your account was signed out.",
        "If you made this change, there is nothing else to do.",
      ],
      action: { label: "Choose a new password", url: absoluteUrl(app.config, "/forgot-password") },
      footer: ["If this wasn't you, choose a new password now with the link above: it signs out everyone using your account."],
    };
  },
} satisfies MailTemplate<typeof NoData>;
