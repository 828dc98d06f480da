import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { users, type AccountPreferences } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { invalidInput } from "#app/lib/http.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { ShortcutsFormSchema, type ShortcutSettings } from "#app/lib/shortcuts";

/**
 * Accessibility preferences (settings → accessibility), stored with the account so they follow the
 * member to every device; the root layout applies them on every page (app/lib/preferences.ts).
 * The form sends strings; an unticked checkbox sends nothing.
 */
export const PreferencesSchema = z.object({
  textSize: z.enum(["100", "125", "150"], { message: "Choose a text size." }).transform((v) => Number(v) as AccountPreferences["textSize"]),
  theme: z.enum(["system", "light", "dark", "contrast"], { message: "Choose a theme." }),
  reduceMotion: z
    .enum(["on"], { message: "Tick the box or leave it empty." })
    .optional()
    .transform((v) => v === "on"),
  chatSend: z.enum(["enter", "ctrl-enter"], { message: "Choose how chat messages are sent." }),
}) satisfies z.ZodType<AccountPreferences, z.ZodTypeDef, unknown>;

/** Validates and stores the whole set (the form always sends all four). */
export async function savePreferences(app: AppContext, viewer: Viewer, input: Record<string, unknown>): Promise<AccountPreferences> {
  const parsed = PreferencesSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, "Please check the highlighted choices.");
  // Merged into the stored object, so settings kept by another form (shortcuts) stay.
  await app.db
    .update(users)
    .set({ preferences: sql`${users.preferences} || ${JSON.stringify(parsed.data)}::jsonb` })
    .where(eq(users.id, viewer.id));
  return parsed.data;
}

/** The keyboard shortcuts form (WCAG 2.1.4): on/off and one key per action, no duplicates or reserved keys. */
export async function saveShortcuts(app: AppContext, viewer: Viewer, input: Record<string, unknown>): Promise<ShortcutSettings> {
  const parsed = ShortcutsFormSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, "Please check the highlighted keys.");
  await app.db
    .update(users)
    .set({ preferences: sql`${users.preferences} || ${JSON.stringify({ shortcuts: parsed.data })}::jsonb` })
    .where(eq(users.id, viewer.id));
  return parsed.data;
}
