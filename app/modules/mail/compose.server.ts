import type { Config } from "#app/lib/config.server";
import type { MailMessage } from "./mailer.server";

/**
 * The one layout every message uses: a heading, short paragraphs, at most one action link, and a
 * closing line, rendered as plain text and as simple HTML. Templates (./templates/*) only fill it in.
 * Subjects must never name a group, a condition or anything a member wrote: mail previews are seen
 * by whoever looks at the phone.
 */
export interface MailContent {
  subject: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Small print under the action, e.g. "If this wasn't you, you can ignore this message." */
  footer?: string[];
  /** Extra message headers (notification mail: List-Unsubscribe, RFC 8058). */
  headers?: Record<string, string>;
}

/** The public origin links in mail point at: the first PUBLIC_ORIGIN, else this machine's port. */
export function publicOrigin(config: Pick<Config, "PUBLIC_ORIGIN" | "PORT">): string {
  return config.PUBLIC_ORIGIN[0] ?? `http://localhost:${config.PORT}`;
}

export function absoluteUrl(config: Pick<Config, "PUBLIC_ORIGIN" | "PORT">, pathAndQuery: string): string {
  return new URL(pathAndQuery, publicOrigin(config)).toString();
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function composeMail(to: string, content: MailContent): MailMessage {
  const { subject, heading, paragraphs, action, footer = [], headers } = content;
  const text = [
    heading,
    "",
    ...paragraphs.flatMap((p) => [p, ""]),
    ...(action ? [`${action.label}:`, action.url, ""] : []),
    ...footer.flatMap((p) => [p, ""]),
    "— Hearth",
    "",
  ].join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;font-size:18px;line-height:1.5;max-width:36em;margin:0 auto;padding:1em">
<h1 style="font-size:1.4em">${escapeHtml(heading)}</h1>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
${
  action
    ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:12px 20px;background:#9a3412;color:#fff;border-radius:8px;font-weight:bold;text-decoration:none">${escapeHtml(action.label)}</a></p>
<p style="font-size:0.9em">Or copy this address into your browser: ${escapeHtml(action.url)}</p>`
    : ""
}
${footer.map((p) => `<p style="font-size:0.9em">${escapeHtml(p)}</p>`).join("\n")}
<p>— Hearth</p>
</body></html>
`;
  return { to, subject, text, html, ...(headers ? { headers } : {}) };
}
