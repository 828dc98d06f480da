import { z } from "zod";
import { EmailSchema, PasswordSchema } from "#app/modules/auth/auth.schema";

/**
 * Settings forms (browser hints and server parsing). Re-authentication (`currentPassword` or a
 * passkey's `passkeyResponse`) is checked by accounts/reauth.server.ts, which gives its own field error.
 */
const reauth = {
  currentPassword: z.string().max(256, "That password is too long.").optional(),
  passkeyResponse: z.string().max(16_384, "That passkey response is too long.").optional(),
};

export const ChangePasswordSchema = z.object({ ...reauth, newPassword: PasswordSchema });

export const ChangeEmailSchema = z.object({ ...reauth, newEmail: EmailSchema });

export const EmailChangeTokenSchema = z.object({ token: z.string({ required_error: "This link is incomplete." }).max(200, "This link is not valid.") });
