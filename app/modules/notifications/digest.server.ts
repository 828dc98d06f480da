import { and, asc, eq, exists, isNotNull, isNull, sql } from "drizzle-orm";
import { notifications, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { logError } from "#app/lib/log.server";
import { deliverMail } from "#app/modules/mail/send.server";
import { channelFor, mailablePeople, type Mailable, markDigestRows, privateGroups, stillVisible } from "./email.server";
import { digestMail, type MailedNotice } from "./mail/notification.server";
import { inQuietHours, localParts, type NotificationSettings } from "./settings";
import { unsubscribeHeaders, unsubscribeUrl } from "./unsubscribe.server";

/**
 * The daily digest: once per local day, from the member's digest hour on (in their own time zone,
 * so DST needs no special case) and outside their quiet hours, one e-mail gathers their unread
 * digest notices. The "notifications.digest" sweep finds who is due; each person is claimed by one
 * conditional UPDATE of users.last_digest_at (compare-and-set on the value read), so however many
 * nodes sweep, one digest goes out.
 */

/** Due at `now`: the digest hour has come today (local), no digest yet today, not in quiet hours. */
export function digestDue(settings: NotificationSettings, lastDigestAt: Date | null, now: Date): boolean {
  const today = localParts(now, settings.timeZone);
  if (today.hour < settings.digestHour || inQuietHours(settings, now)) return false;
  return !lastDigestAt || localParts(lastDigestAt, settings.timeZone).date < today.date;
}

/** Most notices one digest reads (the mail lists fewer and counts the rest). */
const MAX_ROWS = 200;

export async function digestSweep(app: AppContext, now: Date): Promise<void> {
  const waiting = await app.db
    .select({ id: users.id, lastDigestAt: users.lastDigestAt })
    .from(users)
    .where(
      and(
        isNull(users.deletedAt),
        eq(users.status, "active"),
        isNotNull(users.email),
        exists(app.db.select({ one: sql`1` }).from(notifications).where(and(eq(notifications.userId, users.id), eq(notifications.emailStatus, "digest")))),
      ),
    )
    .limit(1000);
  const people = await mailablePeople(
    app,
    waiting.map((w) => w.id),
  );
  for (const w of waiting) {
    const person = people.get(w.id);
    if (!person || !digestDue(person.settings, w.lastDigestAt, now)) continue;
    // One address that fails (its claim is given back for the next minute) doesn't hold up the others.
    await sendDigest(app, person, w.lastDigestAt, now).catch((e: unknown) => logError("digest not sent", e, { route: "sweep:notifications.digest" }));
  }
}

async function sendDigest(app: AppContext, person: Mailable, seen: Date | null, now: Date) {
  const [claimed] = await app.db
    .update(users)
    .set({ lastDigestAt: now })
    .where(and(eq(users.id, person.id), seen ? eq(users.lastDigestAt, seen) : isNull(users.lastDigestAt)))
    .returning({ id: users.id });
  if (!claimed) return; // Another node has this person's digest.
  const rows = await app.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, person.id), eq(notifications.emailStatus, "digest")))
    .orderBy(asc(notifications.createdAt))
    .limit(MAX_ROWS);
  const visible = await stillVisible(app, person.id, rows);
  // Read in Hearth already, no longer wanted in the digest, or no longer visible: not mailed.
  const mailed = rows.filter((r) => r.readAt === null && visible.has(r.id) && channelFor(person.settings, r.kind) === "digest");
  const hidden = person.settings.hidePrivateText ? await privateGroups(app, mailed.map((r) => r.groupId)) : new Set<string>();
  const notices: MailedNotice[] = mailed.map((r) => ({
    kind: r.kind,
    title: r.title,
    body: r.body,
    link: r.link,
    urgent: r.urgent,
    count: r.count,
    hideText: !!r.groupId && hidden.has(r.groupId),
  }));
  if (notices.length > 0) {
    try {
      const url = await unsubscribeUrl(app, person, "digest");
      await deliverMail(app, person.email, { ...digestMail(app, notices, url), headers: unsubscribeHeaders(url) });
    } catch (e) {
      // Not sent: give the claim back so the next minute's sweep tries again.
      await app.db.update(users).set({ lastDigestAt: seen }).where(and(eq(users.id, person.id), eq(users.lastDigestAt, now)));
      throw e;
    }
  }
  const sent = new Set(mailed.map((r) => r.id));
  await markDigestRows(app, [...sent], "sent");
  await markDigestRows(
    app,
    rows.filter((r) => !sent.has(r.id)).map((r) => r.id),
    "skipped",
  );
}
