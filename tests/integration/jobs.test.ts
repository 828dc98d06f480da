import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app";
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
