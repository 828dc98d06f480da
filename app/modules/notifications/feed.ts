/**
 * The notifications page's shape, worked out from a page of notices (newest first): days in the
 * member's time zone ("Today", "Yesterday", then dates), and consecutive notices of one kind about
 * the same place (the same link, whatever its #anchor) folded into one line: "3 new replies in “…”".
 * Pure and client-safe.
 */

import { countOf } from "#app/lib/plural";

export interface FeedNotice {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  urgent: boolean;
  count: number;
  createdAt: Date | string;
  readAt: Date | string | null;
}

export interface FeedLine {
  /** Every notice the line stands for: "Mark as read" marks them all. */
  ids: string[];
  title: string;
  body: string;
  /** The oldest unread one's link (where reading should start), else the newest's. */
  link: string | null;
  unread: boolean;
  urgent: boolean;
  createdAt: string;
}

export interface FeedDay {
  label: string;
  lines: FeedLine[];
}

const NOUNS: Record<string, [string, string]> = {
  reply: ["new reply", "new replies"],
  mention: ["mention", "mentions"],
  reaction: ["reaction", "reactions"],
  report: ["new report", "new reports"],
  join_request: ["request to join", "requests to join"],
  event_reminder: ["reminder", "reminders"],
};

/** Only paths inside the app are links; anything else shows as plain text. */
export function safeLink(link: string | null): string | null {
  return link && link.startsWith("/") && !link.startsWith("//") && !link.startsWith("/\\") ? link : null;
}

const place = (link: string | null) => (link ? link.split("#")[0]! : null);

function dayKey(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

function dayLabel(at: Date, now: Date, timeZone: string) {
  const key = dayKey(at, timeZone);
  if (key === dayKey(now, timeZone)) return "Today";
  if (key === dayKey(new Date(now.getTime() - 86_400_000), timeZone)) return "Yesterday";
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(at);
}

function foldedTitle(kind: string, n: number, latest: string) {
  const nouns = NOUNS[kind] ?? ["notice", "notices"];
  const where = /“[^”]+”/.exec(latest)?.[0] ?? / in (.+)$/.exec(latest)?.[1];
  const what = countOf(n, nouns[0], nouns[1]);
  return where ? `${what} in ${where}` : `${what}: the latest, ${latest}`;
}

export function buildFeed(notices: readonly FeedNotice[], now: Date, timeZone: string): FeedDay[] {
  const days: FeedDay[] = [];
  let group: FeedNotice[] = [];
  let groupDay = "";
  const flush = () => {
    if (group.length === 0) return;
    const newest = group[0]!;
    const unread = group.filter((n) => !n.readAt);
    const start = unread.at(-1) ?? newest;
    const n = group.reduce((sum, g) => sum + g.count, 0);
    const line: FeedLine = {
      ids: group.map((g) => g.id),
      title: group.length > 1 ? foldedTitle(newest.kind, n, newest.title) : newest.title,
      body: group.length > 1 ? "" : newest.body,
      link: safeLink(start.link),
      unread: unread.length > 0,
      urgent: group.some((g) => g.urgent),
      createdAt: new Date(newest.createdAt).toISOString(),
    };
    const day = days.at(-1);
    if (day && day.label === groupDay) day.lines.push(line);
    else days.push({ label: groupDay, lines: [line] });
    group = [];
  };
  for (const notice of notices) {
    const label = dayLabel(new Date(notice.createdAt), now, timeZone);
    const prev = group[0];
    // Urgent notices always stand on their own line.
    const joins = prev && label === groupDay && !notice.urgent && !prev.urgent && prev.kind === notice.kind && place(prev.link) !== null && place(prev.link) === place(notice.link);
    if (!joins) {
      flush();
      groupDay = label;
    }
    group.push(notice);
  }
  flush();
  return days;
}
