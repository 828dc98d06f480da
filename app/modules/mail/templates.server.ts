import type { z } from "zod";
import type { AppContext } from "#app/lib/app-context.server";
import type { MailContent } from "./compose.server";
import { emailChangeConfirmMail } from "#app/modules/accounts/mail/email-change-confirm.server";
import { emailChangeNoticeMail } from "#app/modules/accounts/mail/email-change-notice.server";
import { emailChangeTakenMail } from "#app/modules/accounts/mail/email-change-taken.server";
import { exportReadyMail } from "#app/modules/accounts/mail/export-ready.server";
import { magicLinkMail } from "#app/modules/accounts/mail/magic-link.server";
import { passwordChangedMail } from "#app/modules/accounts/mail/password-changed.server";
import { resetMail } from "#app/modules/accounts/mail/reset.server";
import { signupAttemptMail } from "#app/modules/accounts/mail/signup-attempt.server";
import { verifyMail } from "#app/modules/accounts/mail/verify.server";

/**
 * A message kind: the data its job carries (parsed when it runs) and how it renders. `render` runs in
 * the job, so it can look things up and make a single-use link token then; it answers null when the
 * message no longer applies (the account is gone, the address changed), and nothing is sent.
 */
export interface MailTemplate<S extends z.ZodTypeAny> {
  data: S;
  render(app: AppContext, data: z.infer<S>, to: string): Promise<MailContent | null>;
}

/**
 * Every message Hearth sends, by name. Each template lives with its capability (one small file) and
 * is listed here. Subjects never name a group, a condition or anything a member wrote.
 */
export const mailTemplates = {
  "accounts.verify": verifyMail,
  "accounts.signup-attempt": signupAttemptMail,
  "accounts.reset": resetMail,
  "accounts.magic-link": magicLinkMail,
  "accounts.export-ready": exportReadyMail,
  "accounts.email-change-confirm": emailChangeConfirmMail,
  "accounts.email-change-taken": emailChangeTakenMail,
  "accounts.email-change-notice": emailChangeNoticeMail,
  "accounts.password-changed": passwordChangedMail,
} satisfies Record<string, MailTemplate<z.ZodTypeAny>>;

export type MailTemplateName = keyof typeof mailTemplates;
export type MailTemplateData<T extends MailTemplateName> = z.input<(typeof mailTemplates)[T]["data"]>;
