import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { users } from "#db/schema/index";
import type { MailTemplate } from "#app/modules/mail/templates.server";
import { accountAt, accountLink } from "./links.server";

const data = z.object({ userId: z.string().min(1).max(64) });

/**
 * To the NEW address of a requested change: the link that makes the change. Not sent if the account
 * is gone or the address was taken meanwhile (the change could not happen).
 */
export const emailChangeConfirmMail = {
  data,
  async render(app, { userId }, to) {
    const [user] = await app.db
      .select({ id: users.id, status: users.status })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .limit(1);
    if (!user || user.status !== "active" || (await accountAt(app, to))) return null;
    return {
      subject: "Confirm your new address for Hearth",
      heading: "Confirm your new address",
      paragraphs: [
        "Someone (we hope you) asked to use this address for their Hearth account.",
        "The address changes only when you follow this link and confirm. The link works once, for 24 hours.",
      ],
      action: { label: "Confirm this address", url: await accountLink(app, user.id, to, "change_email", "/change-email") },
      footer: ["If you didn't ask for this, you can ignore this message: nothing changes."],
    };
  },
} satisfies MailTemplate<typeof data>;
