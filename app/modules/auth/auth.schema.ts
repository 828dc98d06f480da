import { z } from "zod";

/** Shared by the sign-up/sign-in forms (client hints) and the actions (server parsing). */

export const EmailSchema = z
  .string({ required_error: "Enter your email address." })
  .trim()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .email("Enter an email address like name@example.org.")
  .transform((v) => v.toLowerCase());

export const PasswordSchema = z
  .string({ required_error: "Enter a password." })
  .min(8, "Use at least 8 characters.")
  .max(256, "Use at most 256 characters.");

/**
 * Characters that change how a name looks or reads without being visible themselves: controls (Cc),
 * format characters (Cf: zero-width joiners, soft hyphen, bidi marks, embeddings and overrides
 * U+202A–202E, isolates U+2066–2069) and every Default_Ignorable_Code_Point (variation selectors,
 * Hangul fillers, …). Line/paragraph separators too.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}]/u;

/**
 * A display name, NFKC-normalised (so fullwidth "Ｓａｍ" and ligatures become plain letters) before the
 * rules apply. Runs in the browser as the form's hint and on the server; look-alike names (the UTS #39
 * skeleton) are refused by app/modules/accounts/display-name.server.ts.
 */
export const DisplayNameSchema = z
  .string({ required_error: "Choose a display name." })
  // Checked before normalising: NFKC keeps most of these, and the message must name the problem.
  .refine((v) => !INVISIBLE.test(v), "Remove invisible or text-direction characters (they can make a name look like someone else's).")
  .transform((v) => v.normalize("NFKC").trim())
  .pipe(
    z
      .string()
      .min(3, "Use at least 3 characters.")
      .max(32, "Use at most 32 characters.")
      .regex(
        // Combining marks (\p{M}) only after a letter and at most two in a row: enough for names like
        // "Nguyễn" or Devanagari, not for stacked "zalgo" marks that spill over the line.
        /^[\p{L}\p{N}](?:\p{M}{1,2})?(?:[\p{L}\p{N} ._'-](?:\p{M}{1,2})?)*$/u,
        "Use letters, numbers, spaces, dots, dashes, underscores or apostrophes, starting with a letter or number.",
      )
      .refine((v) => !/\s{2,}/.test(v), "Use single spaces between words."),
  );

/** A required checkbox: Conform sends "on" when ticked (coerced to true) and nothing otherwise. */
const requiredConsent = (message: string) => z.boolean({ required_error: message, invalid_type_error: message }).refine((v) => v, message);

export const SignUpSchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  displayName: DisplayNameSchema,
  consentTerms: requiredConsent("To create an account, please agree to the terms, the privacy notice and the guidelines."),
  consentHealthData: requiredConsent("To create an account, please agree to the processing of health-related data."),
});
export type SignUpInput = z.infer<typeof SignUpSchema>;

export const SignInSchema = z.object({
  email: EmailSchema,
  // No length rule beyond a sane cap: the message must not hint at what a valid password looks like.
  password: z.string({ required_error: "Enter your password." }).min(1, "Enter your password.").max(256, "That password is too long."),
  // An over-long or odd redirect target is dropped, not an error the person has to fix.
  redirectTo: z.string().max(2048).optional().catch(undefined),
});
export type SignInInput = z.infer<typeof SignInSchema>;
