import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app";

// The queue itself, on the test database (PGlite in-process, or Postgres when DATABASE_URL is set):
// capabilities' own tests cover their jobs.
describe("job queue", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.jobs.start(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("runs a queued job on a worker and re-parses its payload there: a bad job fails without taking the worker down", async () => {
    const before = t.app.jobs.settledCount("mail.send");
    await t.app.jobs.enqueue("mail.send", { to: "a@example.test", template: "no-such-template", data: {} });
    await t.app.jobs.waitFor("mail.send", before + 1);
    expect(t.app.jobs.settledCount("mail.send")).toBe(before + 1);
  });

  it("refuses a malformed payload when it is queued", async () => {
    await expect(t.app.jobs.enqueue("mail.send", { to: "not an address", template: "x", data: {} })).rejects.toThrow();
  });
});
