import fs from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import type { Config } from "#app/lib/config.server";
import { newId } from "#app/lib/ids.server";

/** One message, ready to send: both bodies are always given (clients without HTML get the text). */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. List-Unsubscribe; nodemailer adds them as given. */
  headers?: Record<string, string>;
}

/** Where mail goes: SMTP when SMTP_URL is set, else `.eml` files in DATA_DIR/outbox (the embedded default). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** For the start-up banner: "SMTP smtp.example.org" or the outbox folder. */
  readonly describe: string;
  close(): void;
}

export function outboxDir(config: Pick<Config, "DATA_DIR">) {
  return path.resolve(config.DATA_DIR, "outbox");
}

export function createMailer(config: Pick<Config, "SMTP_URL" | "MAIL_FROM" | "DATA_DIR">): Mailer {
  if (config.SMTP_URL) {
    const transport: Transporter = nodemailer.createTransport(config.SMTP_URL, { from: config.MAIL_FROM });
    const host = new URL(config.SMTP_URL).hostname;
    return {
      describe: `SMTP at ${host}`,
      async send(message) {
        await transport.sendMail({ from: config.MAIL_FROM, ...message });
      },
      close: () => transport.close(),
    };
  }
  // nodemailer builds the same MIME message it would send, and we keep it as a file a newcomer can open.
  const transport: Transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const dir = outboxDir(config);
  return {
    describe: `the outbox folder ${dir} (set SMTP_URL and MAIL_FROM to send real mail)`,
    async send(message) {
      const info = (await transport.sendMail({ from: config.MAIL_FROM, ...message })) as { message: Buffer };
      await fs.mkdir(dir, { recursive: true });
      // Sortable by time; the recipient stays inside the file, not in its name. The .eml opens in any
      // mail program; its text part is quoted-printable (long links are wrapped with "="), so a .txt
      // beside it holds the plain text a newcomer can copy a link from.
      const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${newId(6)}`;
      await fs.writeFile(path.join(dir, `${name}.eml`), info.message, { mode: 0o600 });
      await fs.writeFile(path.join(dir, `${name}.txt`), `To: ${message.to}\nSubject: ${message.subject}\n\n${message.text}`, { mode: 0o600 });
    },
    close: () => transport.close(),
  };
}
