import { z } from "zod";

/** Passkey forms, shared by the routes (server parsing) and their forms (client hints). */

export const PASSKEY_FAILED = "That passkey couldn't be confirmed. Please try again.";
export const PASSKEY_SIGN_IN_FAILED = "That passkey couldn't sign you in. Try again, or sign in with your e-mail and password.";

export const PasskeyNameSchema = z
  .string({ required_error: "Give this passkey a name." })
  .trim()
  .min(1, "Give this passkey a name.")
  .max(60, "Use at most 60 characters.");

/** The browser's JSON answer, as a form field: capped before anything parses it. */
const responseField = (message: string, max: number) => z.string({ required_error: message }).min(1, message).max(max, message);

/** The "Add a passkey" form before the device answers (the client's check). */
export const PasskeyNameFormSchema = z.object({ name: PasskeyNameSchema });
export const PasskeyRegistrationSchema = z.object({
  intent: z.literal("register"),
  name: PasskeyNameSchema,
  registrationResponse: responseField(PASSKEY_FAILED, 32_768),
});
const PasskeyIdSchema = z.string({ required_error: "That passkey could not be found." }).min(1).max(1024);
export const PasskeyRenameSchema = z.object({ intent: z.literal("rename"), id: PasskeyIdSchema, name: PasskeyNameSchema });
export const PasskeyRemoveSchema = z.object({ intent: z.literal("remove"), id: PasskeyIdSchema });
/** Everything /settings/passkeys accepts. */
export const PasskeyActionSchema = z.discriminatedUnion("intent", [PasskeyRegistrationSchema, PasskeyRenameSchema, PasskeyRemoveSchema]);

export const PasskeyOptionsSchema = z.object({
  purpose: z.enum(["register", "signin", "reauthenticate"], { message: "Unknown passkey request." }),
});
export type PasskeyPurpose = z.infer<typeof PasskeyOptionsSchema>["purpose"];

export const PasskeySignInSchema = z.object({
  passkeyResponse: responseField(PASSKEY_SIGN_IN_FAILED, 16_384),
  // An over-long or odd redirect target is dropped, as on the password form.
  redirectTo: z.string().max(2048).optional().catch(undefined),
});
