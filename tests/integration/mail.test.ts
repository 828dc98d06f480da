import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "#app/lib/config.server";
import { absoluteUrl } from "#app/modules/mail/compose.server";
import { createMailer, outboxDir } from "#app/modules/mail/mailer.server";
import { deliverMail } from "#app/modules/mail/send.server";
import { createTestApp, type TestApp } from "../helpers/app";
import { startInbox, type Inbox } from "../helpers/mail";

describe("mail", () => {
  let inbox: Inbox;
  let t: TestApp;
  beforeAll(async () => {
    inbox = await startInbox();
    t = await createTestApp({ SMTP_URL: inbox.url, PUBLIC_ORIGIN: "https://hearth.example" });
  });
  afterAll(async () => {
    await t?.close();
    await inbox?.close();
  });

  it("goes through a real SMTP server with a text and an HTML body, links on PUBLIC_ORIGIN, hostile text escaped", async () => {
    const url = absoluteUrl(t.app.config, "/reset-password?token=abc");
    expect(url).toBe("https://hearth.example/reset-password?token=abc");
    await deliverMail(t.app, "Someone@Example.test", {
      subject: "Reset your Hearth password",
      heading: "Reset your password",
      paragraphs: ['<script>alert("x")</script> & more'],
      action: { label: "Choose a new password", url },
    });
    const mail = await inbox.next("someone@example.test");
    expect(mail.subject).toBe("Reset your Hearth password");
    expect(mail.from).toContain("no-reply@hearth.test");
    expect(mail.text).toContain('<script>alert("x")</script> & more');
    expect(mail.links).toEqual([url]);
    expect(mail.html).toContain("&lt;script&gt;");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain(`href="${url}"`);
  });

  it("a refused delivery throws (so the mail job retries it) without the address in the error", async () => {
    const config = loadConfig({ NODE_ENV: "test", SMTP_URL: "smtp://127.0.0.1:1", MAIL_FROM: "x <x@y.test>", LOG_LEVEL: "error" });
    const mail = createMailer(config);
    try {
      const error = await deliverMail({ ...t.app, mail }, "private@example.test", { subject: "s", heading: "h", paragraphs: [] }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as { code?: string }).code).toBe("ESOCKET");
    } finally {
      mail.close();
    }
  });

  it("without SMTP_URL every message is an .eml file in DATA_DIR/outbox, with its plain text beside it", async () => {
    const o = await createTestApp();
    try {
      const url = `http://localhost:3000/reset-password?token=${"x".repeat(43)}`;
      await deliverMail(o.app, "a@example.test", { subject: "Hello", heading: "Hi", paragraphs: ["Body"], action: { label: "Go", url } });
      const dir = outboxDir(o.app.config);
      const files = fs.readdirSync(dir).sort();
      expect(files).toHaveLength(2);
      expect(files[0]).toMatch(/\.eml$/);
      expect(files[1]).toBe(files[0]!.replace(/\.eml$/, ".txt"));
      // The link can be copied whole from the .txt (the .eml wraps it in quoted-printable).
      expect(fs.readFileSync(path.join(dir, files[1]!), "utf8")).toContain(`\n${url}\n`);
      const eml = fs.readFileSync(path.join(dir, files[0]!), "utf8");
      expect(eml).toContain("Subject: Hello");
      expect(eml).toContain("To: a@example.test");
      expect(o.app.mail.describe).toContain(dir);
    } finally {
      await o.close();
    }
  });

  it("SMTP_URL without MAIL_FROM stops start-up with a message naming the variable", () => {
    expect(() => loadConfig({ SMTP_URL: "smtp://localhost:25" })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ SMTP_URL: "http://localhost:25", MAIL_FROM: "a <a@b.c>" })).toThrow(/SMTP_URL/);
  });
});
