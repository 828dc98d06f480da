import { z } from "zod";
import { HttpUrlSchema } from "#app/lib/http-url";

export const OrganizationSlugSchema = z.string().min(1).max(80).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Not an organization address.");

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a valid item.");

export const ApplicationSchema = z.object({
  name: z.string({ required_error: "Give the organization's name." }).trim().min(3, "Use at least 3 characters.").max(100, "Use at most 100 characters."),
  website: HttpUrlSchema,
  description: z
    .string({ required_error: "Describe the organization." })
    .trim()
    .min(20, "Tell us a little more: at least 20 characters.")
    .max(2000, "Use at most 2,000 characters."),
  contact: z
    .string({ required_error: "Tell us how to reach the organization." })
    .trim()
    .min(5, "Tell us how to reach the organization (an email or phone number).")
    .max(300, "Use at most 300 characters."),
});
export type ApplicationInput = z.infer<typeof ApplicationSchema>;

export const ReviewSchema = z.object({
  intent: z.enum(["verify", "decline"], { errorMap: () => ({ message: "Choose verify or decline." }) }),
  applicationId: Id,
  note: z.string().trim().max(500, "Use at most 500 characters.").optional().default(""),
});

export const staffRoles = ["admin", "moderator"] as const;
export const TeamActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    displayName: z.string({ required_error: "Give the person's display name." }).trim().min(1, "Give the person's display name.").max(64, "That name is too long."),
    role: z.enum(staffRoles, { errorMap: () => ({ message: "Choose admin or moderator." }) }),
  }),
  z.object({ intent: z.literal("role"), userId: Id, role: z.enum(["owner", ...staffRoles], { errorMap: () => ({ message: "Choose a role." }) }) }),
  z.object({ intent: z.literal("remove"), userId: Id }),
]);
export type TeamAction = z.infer<typeof TeamActionSchema>;

export const HelplinesSchema = z.object({
  helplines: z.string().trim().max(4000, "Use at most 4,000 characters.").optional().default(""),
});

export const GroupFormSchema = z.object({
  name: z.string({ required_error: "Give the group a name." }).trim().min(3, "Use at least 3 characters.").max(80, "Use at most 80 characters."),
  description: z.string().trim().max(2000, "Use at most 2,000 characters.").optional().default(""),
  visibility: z.enum(["public", "private"], { errorMap: () => ({ message: "Choose who can see the group." }) }),
  joinPolicy: z.enum(["open", "approval"], { errorMap: () => ({ message: "Choose how people join." }) }),
  /** "Visitors can read the forum" (a checkbox: absent when unticked, so new groups start closed). Public groups only. */
  forumPublic: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).optional(),
});
export type GroupFormInput = z.infer<typeof GroupFormSchema>;

export const GROUP_RULES_MAX = 5000;
/** The group settings form: the group's fields plus its own rules (Markdown, shown on the group page). */
export const GroupSettingsSchema = GroupFormSchema.extend({
  rules: z.string().trim().max(GROUP_RULES_MAX, "Use at most 5,000 characters.").optional().default(""),
});
export type GroupSettingsInput = z.infer<typeof GroupSettingsSchema>;

export const ModeratorActionSchema = z.object({
  intent: z.enum(["appoint", "standDown"], { errorMap: () => ({ message: "Choose appoint or stand down." }) }),
  userId: Id,
});

/** "Dystonia Together!" → "dystonia-together". */
export function slugify(name: string) {
  return (
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/g, "") || "organization"
  );
}
