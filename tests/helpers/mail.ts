import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A message as the test reads it: who it went to, its subject and both bodies, and the links in it. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Every http(s) address in the text body, in order. */
  links: string[];
  raw: ParsedMail;
}

/**
 * A real SMTP server in this process (smtp-server) that parses every message it accepts (mailparser).
 * `url` goes into SMTP_URL; `next(to)` resolves with the next message for that address, waiting for it
 * to arrive (a signal, not a sleep); `none(to)` checks nothing is waiting. Call `close()` in afterAll.
 */
export async function startInbox({ port = 0 }: { port?: number } = {}) {
  const received: ReceivedMail[] = [];
  const waiters: { to: string; resolve: (m: ReceivedMail) => void }[] = [];
  const taken = new Set<ReceivedMail>();

  const deliver = (mail: ReceivedMail) => {
    received.push(mail);
    const i = waiters.findIndex((w) => mail.to.includes(w.to));
    if (i >= 0) {
      taken.add(mail);
      waiters.splice(i, 1)[0]!.resolve(mail);
    }
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? "";
          deliver({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: parsed.from?.text ?? "",
            subject: parsed.subject ?? "",
            text,
            html: typeof parsed.html === "string" ? parsed.html : "",
            links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
            raw: parsed,
          });
          callback();
        })
        .catch((e: Error) => callback(e));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${bound}`,
    port: bound,
    /** Every message received so far. */
    received,
    /** The next message to `to` not yet taken by an earlier next(): waits for it to arrive. */
    next(to: string, timeoutMs = 15_000): Promise<ReceivedMail> {
      const address = to.toLowerCase();
      const waiting = received.find((m) => !taken.has(m) && m.to.includes(address));
      if (waiting) {
        taken.add(waiting);
        return Promise.resolve(waiting);
      }
      return new Promise((resolve, reject) => {
        const waiter = { to: address, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no mail to ${address} within ${timeoutMs} ms`));
          }
        }, timeoutMs).unref();
      });
    },
    /** Messages to `to` that no next() has taken: assert none arrived (call after the action has returned). */
    untaken(to: string): ReceivedMail[] {
      return received.filter((m) => !taken.has(m) && m.to.includes(to.toLowerCase()));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type Inbox = Awaited<ReturnType<typeof startInbox>>;
