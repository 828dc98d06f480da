import type { z } from "zod";
import type { AppContext } from "#app/lib/app-context.server";
import type { Queue } from "pg-boss";
import { extractTextJob } from "#app/modules/library/pdf-text.server";
import { exportExpireJob, exportFailedJob, exportJob } from "#app/modules/accounts/export/build.server";
import { mailJob } from "#app/modules/mail/job.server";
import { notificationEmailJob } from "#app/modules/notifications/email.server";
import { fanoutJob } from "#app/modules/notifications/fanout.server";
import { sweepJob } from "./sweep.server";

/**
 * Every background job, by name: its payload schema (parsed when queued and again when it runs) and
 * its handler. A handler must be idempotent and re-check access when it runs, since the person may
 * have lost it since the job was queued. Add a job here and nowhere else (docs/architecture.md).
 */
export interface JobDefinition<S extends z.ZodTypeAny> {
  payload: S;
  run(app: AppContext, payload: z.infer<S>): Promise<void>;
  /** pg-boss queue settings for this job (retention, retries). */
  queue?: Omit<Queue, "name">;
}

export const jobHandlers = {
  "mail.send": mailJob,
  // The dead letter first: its queue must exist before the queue that names it.
  "account.export.failed": exportFailedJob,
  "account.export": exportJob,
  "account.export.expire": exportExpireJob,
  "jobs.sweep": sweepJob,
  "notifications.fanout": fanoutJob,
  "notifications.email": notificationEmailJob,
  "library.extract-text": extractTextJob,
} satisfies Record<string, JobDefinition<z.ZodTypeAny>>;

export type JobName = keyof typeof jobHandlers;
export type JobPayload<N extends JobName> = z.input<(typeof jobHandlers)[N]["payload"]>;
