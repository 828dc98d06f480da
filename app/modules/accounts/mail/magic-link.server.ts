import type { MailTemplate } from "#app/modules/mail/templates.server";
import { accountAt, accountLink, NoData } from "./links.server";

/** "E-mail me a sign-in link": queued for any address; rendered only for an active account. */
export const magicLinkMail = {
  data: NoData,
  async render(app, _data, to) {
    const user = await accountAt(app, to);
    if (!user || user.status !== "active") return null;
    return {
      subject: "Your sign-in link for Hearth",
      heading: "Sign in to Hearth",
      paragraphs: ["Use this link to sign in without typing your password. It works once, for 15 minutes."],
      action: { label: "Sign in", url: await accountLink(app, user.id, to, "magic_link", "/magic-link") },
      footer: ["If you didn't ask for this, you can ignore this message: nobody can sign in without the link."],
    };
  },
} satisfies MailTemplate<typeof NoData>;
