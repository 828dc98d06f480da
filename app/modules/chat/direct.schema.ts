import { z } from "zod";
import { MAX_MESSAGE_CHARS } from "./chat.schema";

/** A conversation holds up to 8 people: the one who starts it and up to 7 others. */
export const DM_MAX_OTHERS = 7;
/** Conversations per page of /messages. */
export const DM_PAGE = 50;

export const DM_POLICIES = ["nobody", "groups", "anyone"] as const;
export const dmPolicyLabels: Record<(typeof DM_POLICIES)[number], { label: string; hint: string }> = {
  nobody: { label: "Nobody", hint: "No one can start a conversation with you. You can still start one with people who accept." },
  groups: { label: "Members of my groups", hint: "People who are members of a group you belong to." },
  anyone: { label: "Anyone signed in", hint: "Any member of Hearth. Blocked members never can." },
};

export const DmPolicySchema = z.object({ dmPolicy: z.enum(DM_POLICIES, { message: "Choose who may start a conversation with you." }) });

/** A display name typed into "Start a conversation" (an empty extra field is ignored). */
const PersonName = z.string().trim().max(60, "A display name is at most 60 characters.");

/** The "new conversation" form: up to DM_MAX_OTHERS names and an optional first message. */
export const StartConversationSchema = z.object({
  people: z
    .array(PersonName)
    .transform((names) => names.filter((n) => n !== ""))
    .pipe(
      z
        .array(z.string())
        .min(1, "Choose at least one person.")
        .max(DM_MAX_OTHERS, `A conversation has at most ${DM_MAX_OTHERS + 1} people: choose up to ${DM_MAX_OTHERS} others.`),
    ),
  /** Optional: a conversation can start empty. */
  body: z
    .string()
    .max(MAX_MESSAGE_CHARS, `A message can be at most ${MAX_MESSAGE_CHARS.toLocaleString("en")} characters.`)
    .transform((s) => s.trim())
    .optional(),
});
