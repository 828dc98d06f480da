import { absoluteUrl } from "#app/modules/mail/compose.server";
import type { MailTemplate } from "#app/modules/mail/templates.server";
import { NoData } from "./links.server";

/**
 * To a new address that already has an account: the settings page answered as for any address (so
 * nobody learns which addresses are registered); the owner of this one learns why no link came.
 */
export const emailChangeTakenMail = {
  data: NoData,
  async render(app) {
    return {
      subject: "Someone tried to use your address on Hearth",
      heading: "This address already has an account",
      paragraphs: [
        "Someone asked to move their Hearth account to this address. This address already has a Hearth account, so nothing was changed.",
        "If it was you, sign in with this address instead. If you forgot its password, you can choose a new one.",
      ],
      action: { label: "Sign in", url: absoluteUrl(app.config, "/signin") },
      footer: ["If this wasn't you, you can ignore this message: your account is unchanged."],
    };
  },
} satisfies MailTemplate<typeof NoData>;
