import type { MailTemplate } from "#app/modules/mail/templates.server";
import { accountAt, accountLink, NoData } from "./links.server";

/** Sent after sign-up (and by "Send the link again"): confirms the address. */
export const verifyMail = {
  data: NoData,
  async render(app, _data, to) {
    const user = await accountAt(app, to);
    // Already confirmed, or the address has moved on since: nothing to confirm.
    if (!user || user.emailVerifiedAt) return null;
    return {
      subject: "Confirm your e-mail address for Hearth",
      heading: "Confirm your e-mail address",
      paragraphs: [
        "Thank you for joining Hearth. Please confirm that this address is yours, so you can post, reply, chat and reply to events.",
        "The link works once, for 24 hours.",
      ],
      action: { label: "Confirm my e-mail address", url: await accountLink(app, user.id, to, "verify_email", "/verify-email") },
      footer: ["If you didn't create an account on Hearth, you can ignore this message: nothing happens without the link."],
    };
  },
} satisfies MailTemplate<typeof NoData>;
