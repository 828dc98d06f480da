import { eq } from "drizzle-orm";
import { z } from "zod";
import { organizations } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid, NotFound, Unauthenticated } from "#app/lib/errors";
import { assertCan, type Actor } from "#app/policy.server";
import { recordModerationAction } from "#app/modules/moderation/moderation.server";
import { findOrganization } from "./organizations.server";

/**
 * The organization's safety settings (issue 15): new-member review (hold the first N posts and chat
 * messages of members new to its groups, 0–5, 0 = off) and auto-hide (hide content reported by K
 * different members until a moderator decides, 1–50). Owners and admins (`safety.editSettings`);
 * every change is audited as `safety.settings` with the old and new values.
 */

const whole = (label: string, min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: `${label}: enter a whole number from ${min} to ${max}.`, required_error: `${label}: enter a whole number from ${min} to ${max}.` })
    .int(`${label}: enter a whole number from ${min} to ${max}.`)
    .min(min, `${label}: enter a whole number from ${min} to ${max}.`)
    .max(max, `${label}: enter a whole number from ${min} to ${max}.`);

export const SafetySettingsSchema = z.object({
  newMemberHolds: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), whole("New-member review", 0, 5)),
  autoHideReports: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), whole("Auto-hide", 1, 50)),
});
export type SafetySettings = z.infer<typeof SafetySettingsSchema>;

function requireActor(viewer: Actor | null): Actor {
  if (!viewer) throw Unauthenticated();
  return viewer;
}

async function managedOrganization(app: AppContext, actor: Actor, slug: string) {
  const org = await findOrganization(app, actor, slug);
  assertCan(actor, "safety.editSettings", org.target, "That organization");
  const [row] = await app.db
    .select({ newMemberHolds: organizations.newMemberHolds, autoHideReports: organizations.autoHideReports })
    .from(organizations)
    .where(eq(organizations.id, org.id));
  if (!row) throw NotFound("That organization");
  return { org, settings: row };
}

/** The settings page: the organization and its current values (owners and admins only; others 403). */
export async function getSafetySettings(app: AppContext, viewer: Actor | null, slug: string) {
  const actor = requireActor(viewer);
  const { org, settings } = await managedOrganization(app, actor, slug);
  return { organization: { id: org.id, slug: org.slug, name: org.name }, settings };
}

/** Saves both settings (parsed again here: the domain never trusts its caller) and audits the change. */
export async function saveSafetySettings(app: AppContext, viewer: Actor | null, slug: string, input: SafetySettings) {
  const actor = requireActor(viewer);
  const parsed = SafetySettingsSchema.safeParse(input);
  if (!parsed.success) throw Invalid("Please check the settings.", parsed.error.flatten().fieldErrors as Record<string, string[]>);
  const next = parsed.data;
  const { org, settings } = await managedOrganization(app, actor, slug);
  await app.db.transaction(async (tx) => {
    await tx.update(organizations).set(next).where(eq(organizations.id, org.id));
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: "safety.settings",
      targetType: "organization",
      targetId: org.id,
      groupId: null,
      details: { before: settings, after: next },
    });
  });
  return next;
}
