import { z } from "zod";
import type { AppContext } from "#app/lib/app-context.server";
import { logError } from "#app/lib/log.server";
import { retentionSweep } from "#app/modules/chat/retention.server";
import { remindEvents } from "#app/modules/events/reminders.server";
import { rsvpDigestSweep } from "#app/modules/events/rsvp-digest.server";
import { linkCheckSweep } from "#app/modules/library/link-check.server";
import { unusedImagesSweep } from "#app/modules/library/guide-images.server";
import { remindReviews } from "#app/modules/library/review-reminders.server";
import { digestSweep } from "#app/modules/notifications/digest.server";
import { dueEmailSweep } from "#app/modules/notifications/email.server";

/**
 * Time-driven work (reminders, digests, mail held for quiet hours, review reminders) is not a
 * delayed pg-boss job but a sweep: every node queues `jobs.sweep` each minute under one key (so one
 * runs at a time), and each sweep below finds what is due at `app.clock.now()` and claims it with a
 * conditional UPDATE, so it runs once however many nodes sweep. Tests move `app.clock` and run the
 * sweep; nothing waits for real time. Each sweep lives with its capability and is listed here once.
 */
export type Sweep = (app: AppContext, now: Date) => Promise<void>;

export const sweeps: Record<string, Sweep> = {
  "notifications.due-email": dueEmailSweep,
  "notifications.digest": digestSweep,
  "events.reminders": remindEvents,
  "events.rsvp-digest": rsvpDigestSweep,
  "library.review": remindReviews,
  "library.link-check": linkCheckSweep,
  "library.unused-images": unusedImagesSweep,
  "chat.retention": retentionSweep,
};

/** Runs every sweep once at the clock's time; one failing sweep doesn't stop the others. */
export async function runSweeps(app: AppContext): Promise<void> {
  const now = app.clock.now();
  for (const [name, sweep] of Object.entries(sweeps)) {
    try {
      await sweep(app, now);
    } catch (e) {
      logError("sweep failed", e, { route: `sweep:${name}` });
    }
  }
}

export const sweepJob = {
  payload: z.object({}).strict(),
  run: (app: AppContext) => runSweeps(app),
  // Nothing personal in the row; a minute's sweep that failed is simply the next minute's.
  // exclusive: while one sweep is queued or running, the other nodes' enqueues (same key) are dropped.
  queue: { policy: "exclusive" as const, retryLimit: 0, deleteAfterSeconds: 600 },
};

export const SWEEP_INTERVAL_MS = 60_000;
