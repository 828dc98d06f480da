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

export const DisplayNameSchema = z
  .string({ required_error: "Choose a display name." })
  .trim()
  .min(3, "Use at least 3 characters.")
  .max(32, "Use at most 32 characters.")
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._'-]*$/u,
    "Use letters, numbers, spaces, dots, dashes, underscores or apostrophes, starting with a letter or number.",
  )
  .refine((v) => !/\s{2,}/.test(v), "Use single spaces between words.");

export const SignUpSchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  displayName: DisplayNameSchema,
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
