import { z } from "zod";
import { EmailSchema, PasswordSchema } from "#app/modules/auth/auth.schema";

/**
 * The forms behind mailed links and the "send me a link" forms. A token that is missing, oversize or
 * odd is not a form error the person can fix: it is passed on as "" and refused as an invalid link.
 */
const LinkToken = z.string().max(200).catch("");

export const LinkTokenSchema = z.object({ token: LinkToken });
export const ResetPasswordSchema = z.object({ token: LinkToken, password: PasswordSchema });
export const EmailOnlySchema = z.object({ email: EmailSchema });

/** Which "check your e-mail" text to show after a form that mails a link. */
export const CheckEmailReason = z.enum(["signup", "reset", "signin-link"]).catch("signup");
export type CheckEmailReason = z.infer<typeof CheckEmailReason>;
