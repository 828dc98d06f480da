import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { dataExports, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { absoluteUrl } from "#app/modules/mail/compose.server";
import type { MailTemplate } from "#app/modules/mail/templates.server";

const data = z.object({ exportId: z.string().min(1).max(64) });

/**
 * "Your data export is ready": sent by the export job. Nothing of the export is in the message, and
 * the link is the settings page (behind the session), never the file itself. Not sent when the export
 * or account is gone, or the address changed since.
 */
export const exportReadyMail: MailTemplate<typeof data> = {
  data,
  async render(app: AppContext, { exportId }, to) {
    const [row] = await app.db
      .select({ email: users.email, status: dataExports.status, expiresAt: dataExports.expiresAt })
      .from(dataExports)
      .innerJoin(users, and(eq(users.id, dataExports.userId), isNull(users.deletedAt)))
      .where(eq(dataExports.id, exportId))
      .limit(1);
    if (!row || row.email !== to || row.status !== "ready" || !row.expiresAt) return null;
    const until = row.expiresAt.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    return {
      subject: "Your Hearth data export is ready",
      heading: "Your data export is ready",
      paragraphs: [
        "The copy of your Hearth data that you asked for has been prepared.",
        `You can download it from your settings until ${until} (UTC). You will need to sign in first; after that date the file is deleted.`,
      ],
      action: { label: "Go to Your data", url: absoluteUrl(app.config, "/settings/data") },
      footer: ["If you didn't ask for this, someone may be using your account: change your password and end your other sessions in Settings."],
    };
  },
};
