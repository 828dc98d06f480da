/**
 * The e2e runs' mail server: a real SMTP server (tests/helpers/mail.ts) that the app sends to, plus a
 * small HTTP endpoint the browser tests read from. GET /next?to=<address> waits for that address's
 * next message and answers it as JSON (subject, text, links); /healthz tells Playwright it is up.
 */
import { createServer } from "node:http";
import { startInbox } from "../helpers/mail";

const smtpPort = Number(process.env.E2E_SMTP_PORT);
const httpPort = Number(process.env.E2E_MAIL_HTTP_PORT);
const inbox = await startInbox({ port: smtpPort });

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/healthz") return void res.end("ok");
  if (url.pathname !== "/next") return void res.writeHead(404).end();
  const to = url.searchParams.get("to") ?? "";
  inbox.next(to, 20_000).then(
    (m) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ to: m.to, subject: m.subject, text: m.text, html: m.html, links: m.links }));
    },
    (e: Error) => res.writeHead(404, { "content-type": "text/plain" }).end(e.message),
  );
}).listen(httpPort, "127.0.0.1");
