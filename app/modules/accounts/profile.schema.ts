import { z } from "zod";
import { DisplayNameSchema } from "#app/modules/auth/auth.schema";

export const BIO_MAX = 500;

/** Characters that reorder text (bidi embeddings, overrides, isolates): refused in a bio, where they could make a line read as someone else's. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;

/** Counted in code points, like the counter under the field (an emoji is one). */
export const bioLength = (v: string) => [...v].length;

export const BioSchema = z
  .string()
  .default("")
  .transform((v) => v.normalize("NFC").replace(/\r\n?/g, "\n").trim())
  .refine((v) => bioLength(v) <= BIO_MAX, `Keep your bio to ${BIO_MAX} characters or fewer.`)
  .refine((v) => !BIDI_CONTROLS.test(v), "Remove text-direction control characters from your bio.");

/** The /settings/profile form: one form, one save, so nothing typed is lost between sections. */
export const ProfileSchema = z.object({
  displayName: DisplayNameSchema,
  bio: BioSchema,
  profileVisibility: z.enum(["members", "nobody"], { errorMap: () => ({ message: "Choose who can see your profile." }) }),
  // A checkbox: absent when unticked.
  listedInMembers: z.boolean().default(false),
});
export type ProfileInput = z.infer<typeof ProfileSchema>;

/** A member id in a URL (the ids we issue are url-safe). */
export const MemberIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
