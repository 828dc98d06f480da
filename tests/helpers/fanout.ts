import { sql } from "drizzle-orm";
import type { AppContext } from "#app/lib/app-context.server";
import { rowsOf } from "./database";

/**
 * Resolves once every notification fan-out queued so far in this app's database has run: its
 * workers (started with `app.jobs.start(app)`) settled as many `notifications.fanout` jobs as were
 * ever queued (pg-boss keeps finished ones), whichever source queued them. The settle is the signal.
 */
export async function fanoutsDone(app: AppContext): Promise<void> {
  const [row] = rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'notifications.fanout'`));
  await app.jobs.waitFor("notifications.fanout", Number(row!.n));
}
