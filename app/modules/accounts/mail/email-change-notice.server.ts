import { z } from "zod";
import { absoluteUrl } from "#app/modules/mail/compose.server";
import type { MailTemplate } from "#app/modules/mail/templates.server";
import { accountAt } from "./links.server";

// Only the masked new address ("k…@e….org") is carried and shown, never the full one.
const data = z.object({ newAddress: z.string().min(1).max(300) });

/** To the CURRENT address when a change is asked for, so a change the owner didn't make is noticed. */
export const emailChangeNoticeMail = {
  data,
  async render(app, { newAddress }, to) {
    if (!(await accountAt(app, to))) return null;
    return {
      subject: "A change of address was asked for on your Hearth account",
      heading: "A change of your e-mail address was asked for",
      paragraphs: [
        `Someone signed in to your Hearth account asked to change its e-mail address to ${newAddress}.`,
        "The address only changes once the link sent to the new address is followed. Until then, this address stays in use.",
      ],
      action: { label: "Check your settings", url: absoluteUrl(app.config, "/settings/sessions") },
      footer: ["If this wasn't you, change your password now and end your other sessions in Settings."],
    };
  },
} satisfies MailTemplate<typeof data>;
