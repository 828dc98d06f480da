import { asc, eq } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Conflict, Invalid, NotFound } from "#app/lib/errors";
import { findAccountByDisplayName } from "#app/modules/accounts/accounts.server";
import { invalidateUserSessions } from "#app/modules/auth/session.server";
import { announceNotices, notifyUsers } from "#app/modules/notifications/notifications.server";
import { assertCan, type Actor } from "#app/policy.server";
import { recordModerationAction } from "./moderation.server";
import { requireActor, SITE } from "./common.server";

/** Site-wide suspension of an account, and lifting it (site admins). */

/** Suspends an account: sessions revoked and sockets disconnected at once; audited. */
export async function suspendAccount(app: AppContext, viewer: Actor | null, input: { displayName: string; reason: string }) {
  const actor = requireActor(viewer);
  assertCan(actor, "account.suspend", SITE);
  const user = await findAccountByDisplayName(app, input.displayName);
  if (!user) throw Invalid("No one has that display name.", { displayName: ["No one has that display name. Check the spelling."] });
  if (user.id === actor.id) throw Invalid("You can't suspend your own account.", { displayName: ["You can't suspend your own account."] });
  if (user.siteRole === "admin") throw Invalid("Site administrators can't be suspended here.", { displayName: ["Site administrators can't be suspended here."] });
  if (user.status === "suspended") throw Conflict("That account is already suspended.", { displayName: ["That account is already suspended."] });
  await app.db.transaction(async (tx) => {
    await tx.update(users).set({ status: "suspended" }).where(eq(users.id, user.id));
    await recordModerationAction(tx, { actorId: actor.id, action: "user.suspend", targetType: "user", targetId: user.id, groupId: null, subjectUserId: user.id, reason: input.reason });
  });
  await invalidateUserSessions(app, user.id);
  return { userId: user.id, displayName: user.displayName };
}

export async function liftSuspension(app: AppContext, viewer: Actor | null, input: { userId: string; reason: string }) {
  const actor = requireActor(viewer);
  assertCan(actor, "account.suspend", SITE);
  const [user] = await app.db.select({ id: users.id, status: users.status, displayName: users.displayName }).from(users).where(eq(users.id, input.userId));
  if (!user) throw NotFound("That account");
  if (user.status !== "suspended") throw Conflict("That account is not suspended.");
  await app.db.transaction(async (tx) => {
    await tx.update(users).set({ status: "active" }).where(eq(users.id, user.id));
    await recordModerationAction(tx, { actorId: actor.id, action: "user.unsuspend", targetType: "user", targetId: user.id, groupId: null, subjectUserId: user.id, reason: input.reason });
    await notifyUsers(tx, [user.id], { kind: "moderation", title: "Your account has been restored", body: `Reason: ${input.reason}` });
  });
  await announceNotices(app, [user.id]);
  return { userId: user.id, displayName: user.displayName };
}

export async function listSuspended(app: AppContext, viewer: Actor | null) {
  const actor = requireActor(viewer);
  assertCan(actor, "account.suspend", SITE);
  return app.db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(eq(users.status, "suspended"))
    .orderBy(asc(users.displayName))
    .limit(200);
}
