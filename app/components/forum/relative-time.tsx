import { useEffect, useState } from "react";

const LOCALE = "en-GB";

// Building an Intl formatter costs far more than using one (~0.25 ms each): a thread page shows
// 100+ times, so keep one formatter per kind and time zone.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function dateFormat(kind: "short" | "exact", timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${kind}:${timeZone ?? "local"}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f =
      kind === "short"
        ? new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", year: "numeric", timeZone })
        : new Intl.DateTimeFormat(LOCALE, {
            weekday: "short",
            day: "numeric",
            month: "long",
            year: "numeric",
            hour: "2-digit",
            minute: "2-digit",
            timeZone,
            timeZoneName: "short",
          });
    formatters.set(key, f);
  }
  return f;
}
function relativeFormat(): Intl.RelativeTimeFormat {
  let f = formatters.get("relative") as Intl.RelativeTimeFormat | undefined;
  if (!f) {
    f = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" });
    formatters.set("relative", f);
  }
  return f;
}

function relativeText(then: number, now: number, timeZone: string | undefined): string {
  const seconds = Math.round((then - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  const rtf = relativeFormat();
  if (abs < 45 * 60) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 22 * 3600) return rtf.format(Math.round(seconds / 3600), "hour");
  if (abs < 26 * 86400) return rtf.format(Math.round(seconds / 86400), "day");
  return dateFormat("short", timeZone).format(then);
}

function exactText(date: Date, timeZone: string | undefined): string {
  return dateFormat("exact", timeZone).format(date);
}

/**
 * "3 hours ago", with the exact date and time in the element's title and always read out to screen
 * readers; `showExact` prints it instead (posts), so nobody needs hover or focus to see it. It is not a
 * Tab stop: a focusable timestamp on every post was one more stop per post for keyboard users.
 * The server renders it against its own clock in UTC (`now` comes from the loader, so hydration
 * matches); after hydration it switches to the reader's clock and time zone.
 */
export function RelativeTime({ iso, now, showExact = false }: { iso: string; now: string; showExact?: boolean }) {
  const [local, setLocal] = useState<{ now: number } | null>(null);
  useEffect(() => setLocal({ now: Date.now() }), []);
  const date = new Date(iso);
  const zone = local ? undefined : "UTC";
  const relative = relativeText(date.getTime(), local?.now ?? Date.parse(now), zone);
  const exact = exactText(date, zone);
  // Printed (showExact), the exact date needs no title too: a thread has 50 of these.
  return showExact ? (
    <time dateTime={iso}>
      {relative}
      <span>{` · ${exact}`}</span>
    </time>
  ) : (
    <time dateTime={iso} title={exact}>
      {relative}
      <span className="sr-only">{` (${exact})`}</span>
    </time>
  );
}
