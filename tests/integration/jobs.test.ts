import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app";
import { rowsOf } from "../helpers/database";
import { startInbox, type Inbox } from "../helpers/mail";

// The queue itself, on the test database (PGlite in-process, or Postgres when DATABASE_URL is set):
// capabilities' own tests cover their jobs.
describe("job queue", () => {
  let t: TestApp;
  let inbox: Inbox;
  beforeAll(async () => {
    inbox = await startInbox();
    t = await createTestApp({ SMTP_URL: inbox.url });
    await t.app.jobs.start(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await inbox?.close();
  });

  it("runs queued jobs on a worker, one after another; a job that fails when it runs doesn't stop the next", async () => {
    const before = t.app.jobs.settledCount("mail.send");
    // The template's data is parsed when the job runs: a number where an object belongs fails there.
    await t.app.jobs.enqueue("mail.send", { to: "a@example.test", template: "accounts.verify", data: 42 });
    // No account has this address, so the template renders nothing and the job ends without mail.
    await t.app.jobs.enqueue("mail.send", { to: "b@example.test", template: "accounts.verify", data: {} });
    await t.app.jobs.waitFor("mail.send", before + 2);
    expect(t.app.jobs.settledCount("mail.send")).toBe(before + 2);
    expect(inbox.received).toEqual([]);
  });

  it("refuses a malformed payload when it is queued", async () => {
    await expect(t.app.jobs.enqueue("mail.send", { to: "not an address", template: "accounts.verify", data: {} })).rejects.toThrow();
    await expect(t.app.jobs.enqueue("mail.send", { to: "a@example.test", template: "no-such-template" as "accounts.verify", data: {} })).rejects.toThrow();
  });
});

describe("job keys", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it("on an exclusive queue, drop a second enqueue with the same key while the first waits; distinct keys both queue", async () => {
    await t.app.jobs.enqueue("jobs.sweep", {}, { key: "sweep" });
    await t.app.jobs.enqueue("jobs.sweep", {}, { key: "sweep" });
    await t.app.jobs.enqueue("jobs.sweep", {}, { key: "another" });
    const rows = await t.database.db.execute<{ name: string; n: number }>(
      sql`select singleton_key as name, count(*)::int as n from pgboss.job where name = 'jobs.sweep' group by singleton_key order by singleton_key`,
    );
    expect(rowsOf<{ name: string; n: number }>(rows)).toEqual([
      { name: "another", n: 1 },
      { name: "sweep", n: 1 },
    ]);
  });

  it("enqueueMany inserts a batch in one go with the same key rule: a key already waiting adds nothing", async () => {
    const job = (id: string) => ({ payload: { notificationId: id }, key: `notification-email:${id}` });
    await t.app.jobs.enqueueMany("notifications.email", [job("n1"), job("n2")]);
    await t.app.jobs.enqueueMany("notifications.email", [job("n2"), job("n3")]);
    const rows = await t.database.db.execute<{ key: string }>(
      sql`select singleton_key as key from pgboss.job where name = 'notifications.email' order by singleton_key`,
    );
    expect(rowsOf<{ key: string }>(rows).map((r) => r.key)).toEqual(["notification-email:n1", "notification-email:n2", "notification-email:n3"]);
  });
});
