import { z } from "zod";

/** The deletion form (settings → delete account): parsed in the browser as a hint and in the action. */

/** The name a deleted account goes by: this and a short number ("Former member 482913"). */
export const FORMER_MEMBER = "Former member";
/** What a removed post, chat message or thread title reads after its author chose to remove it. */
export const REMOVED_BY_AUTHOR = "removed by its author";

export const CONTENT_CHOICES = ["keep", "remove"] as const;
export type ContentChoice = (typeof CONTENT_CHOICES)[number];

export const CHOOSE_CONTENT = "Choose what happens to your posts and chat messages.";

export const DeleteAccountSchema = z.object({
  content: z.enum(CONTENT_CHOICES, { errorMap: () => ({ message: CHOOSE_CONTENT }) }),
  // Presence and correctness are checked by verifyReauthentication (a passkey may stand in for it);
  // the cap keeps a hostile body out of argon2.
  currentPassword: z.string().max(256, "That password is too long.").optional(),
  passkeyResponse: z.string().max(16_384, "That passkey response is too long.").optional(),
});
export type DeleteAccountInput = z.infer<typeof DeleteAccountSchema>;
