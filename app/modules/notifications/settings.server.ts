import { and, eq, inArray } from "drizzle-orm";
import { groupMemberships, organizationMembers, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { readNotificationSettings, type NotificationSettings } from "./settings";
import type { NotificationSettingsForm } from "./settings.schema";
import { NOTIFICATION_TYPE_INFO, NOTIFICATION_TYPES, type NotificationType } from "./types";

/**
 * Settings → notifications. Staff-only types (requests and reports in groups one moderates, library
 * reviews) are offered only to people who moderate a group or are on an organization's team, or
 * are site admins; for everyone else they keep their stored value (they would never arrive).
 */
export async function notificationSettingsOf(app: AppContext, viewer: Viewer) {
  const [row] = await app.db.select({ settings: users.notificationSettings }).from(users).where(eq(users.id, viewer.id)).limit(1);
  const stored = row?.settings ?? {};
  const staff = await isStaff(app, viewer);
  return {
    settings: readNotificationSettings(stored),
    /** Never chosen: the page may offer the browser's zone instead of UTC. */
    timeZoneChosen: typeof stored.timeZone === "string",
    types: NOTIFICATION_TYPES.filter((t) => staff || !NOTIFICATION_TYPE_INFO[t].staffOnly),
  };
}

async function isStaff(app: AppContext, viewer: Viewer): Promise<boolean> {
  if (viewer.siteRole === "admin") return true;
  const [mod] = await app.db
    .select({ one: groupMemberships.userId })
    .from(groupMemberships)
    .where(and(eq(groupMemberships.userId, viewer.id), eq(groupMemberships.role, "moderator"), inArray(groupMemberships.status, ["active"])))
    .limit(1);
  if (mod) return true;
  const [team] = await app.db.select({ one: organizationMembers.userId }).from(organizationMembers).where(eq(organizationMembers.userId, viewer.id)).limit(1);
  return !!team;
}

/** Stores a parsed form over the stored settings (types the form left out keep theirs), under a row lock. */
export async function saveNotificationSettings(app: AppContext, viewer: Viewer, form: NotificationSettingsForm): Promise<NotificationSettings> {
  return app.db.transaction(async (tx) => {
    const [row] = await tx.select({ settings: users.notificationSettings }).from(users).where(eq(users.id, viewer.id)).for("update");
    const current = readNotificationSettings(row?.settings ?? {});
    const chosen = Object.fromEntries(Object.entries(form.channels).filter(([, v]) => v !== undefined)) as Partial<NotificationSettings["channels"]>;
    const next: NotificationSettings = {
      channels: { ...current.channels, ...chosen } as Record<NotificationType, NotificationSettings["channels"][NotificationType]>,
      quietHours: form.quietHours && form.quietFrom && form.quietTo ? { from: form.quietFrom, to: form.quietTo } : null,
      timeZone: form.timeZone,
      digestHour: form.digestHour,
      hidePrivateText: form.hidePrivateText === true,
    };
    await tx.update(users).set({ notificationSettings: { ...next } }).where(eq(users.id, viewer.id));
    return next;
  });
}
