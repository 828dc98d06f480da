import { z } from "zod";
import type { AppContext } from "#app/lib/app-context.server";
import { deliverMail } from "./send.server";
import { mailTemplates, type MailTemplate } from "./templates.server";

const templateNames = Object.keys(mailTemplates) as [string, ...string[]];

/** The `mail.send` job: render the named template with its data, then send it (pg-boss retries failures). */
export const mailJob = {
  payload: z.object({
    to: z.string().email().max(254),
    // An empty registry can't form an enum; once templates exist, only their names pass.
    template: templateNames.length ? z.enum(templateNames) : z.string().max(64),
    data: z.unknown(),
  }),
  async run(app: AppContext, { to, template, data }: { to: string; template: string; data?: unknown }) {
    const t = (mailTemplates as Record<string, MailTemplate<z.ZodTypeAny>>)[template];
    if (!t) throw new Error(`unknown mail template`);
    const content = await t.render(app, t.data.parse(data), to);
    if (content) await deliverMail(app, to, content);
  },
  // Addresses sit in the job's row: keep finished mail jobs one hour, not pg-boss's default week.
  queue: { deleteAfterSeconds: 3600, retentionSeconds: 24 * 3600 },
};
