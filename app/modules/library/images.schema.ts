import { z } from "zod";

/** Largest image accepted for a guide: 5 MB. */
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const IMAGE_ALT_MAX = 300;

/** What an image upload can go wrong with (same keys as the documents' uploadMessages: readUploadForm words its refusals with them). */
export const imageMessages = {
  tooLarge: `That image is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB. Please choose a smaller one (or save it at a lower resolution).`,
  empty: "That file is empty. Please choose the image again.",
  wrongType: "Only PNG, JPEG, WebP or GIF images can be added, and that file is not one of them (whatever its name says).",
  polyglot: "That file is also a web page (it has HTML or script inside), so it can't be added. Please save it again as a plain PNG or JPEG.",
  missing: "Choose the image to add.",
  altRequired: "Describe the image for people who can't see it, or tick “Decorative only”.",
  rate: "You have added many images in a short time. Please wait a little.",
};

/** The fields sent with an image (the file itself streams to storage: upload.server.ts). */
export const GuideImageFieldsSchema = z
  .object({
    organizationId: z.string({ required_error: "Choose the organization first." }).min(1, "Choose the organization first.").max(64),
    alt: z
      .string()
      .trim()
      .max(IMAGE_ALT_MAX, `Keep the description under ${IMAGE_ALT_MAX} characters.`)
      .transform((s) => s.replace(/\s+/g, " "))
      .optional(),
    decorative: z.enum(["on"]).optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.decorative && !v.alt) ctx.addIssue({ code: "custom", path: ["alt"], message: imageMessages.altRequired });
  });
export type GuideImageFields = z.infer<typeof GuideImageFieldsSchema>;
