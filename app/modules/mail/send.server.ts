import type { AppContext } from "#app/lib/app-context.server";
import { composeMail, type MailContent } from "./compose.server";
import type { MailTemplateData, MailTemplateName } from "./templates.server";

/**
 * Queues one message (DESIGN.md §8: mail is sent from jobs, never inside a request). The `mail.send`
 * job renders the template when it runs, so a template that needs a link token makes it then, and the
 * token is never stored in the queue. Call after the change the message announces has committed.
 */
export async function sendMail<T extends MailTemplateName>(app: AppContext, to: string, template: T, data: MailTemplateData<T>) {
  await app.jobs.enqueue("mail.send", { to, template, data });
}

/** Hands one rendered message to the transport (SMTP or the outbox); the job calls it. */
export async function deliverMail(app: AppContext, to: string, content: MailContent): Promise<void> {
  await app.mail.send(composeMail(to, content));
}
