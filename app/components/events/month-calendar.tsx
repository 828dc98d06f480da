import { Link, useLocation, useNavigate } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { formatTime, runtimeTimeZone, wallClockAt } from "#app/lib/time";

/**
 * The month grid beside the events list (WAI-ARIA APG date-grid keyboard model on a plain table of
 * buttons): one tab stop (roving tabindex), arrows move a day or a week, Home/End go to the start or
 * end of the week, PageUp/PageDown change the month (so does moving past its first or last day).
 * Each day is a button named by its date and how many events it has; activating it lists that day's
 * events below the grid. Days are the viewer's: their chosen zone, else their browser's (after
 * hydration; the server renders UTC). Narrow screens get the days with events as a list instead.
 */

export interface MonthEvent {
  id: string;
  title: string;
  startsAt: string;
  status: "scheduled" | "cancelled";
  group: { name: string } | null;
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const pad = (n: number) => String(n).padStart(2, "0");
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** 0 = Monday. */
const weekdayOf = (y: number, m: number, d: number) => (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;

export function parseMonth(month: string): { year: number; month: number } {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return { year, month: m };
}

/** "2027-01" for 2026-12 and +1. */
export function shiftMonth(month: string, by: number): string {
  const { year, month: m } = parseMonth(month);
  const d = new Date(Date.UTC(year, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}

export function monthTitle(month: string): string {
  const { year, month: m } = parseMonth(month);
  return `${MONTHS[m - 1]} ${year}`;
}

/** "Tuesday 8 December" */
function dayName(y: number, m: number, d: number): string {
  return `${WEEKDAYS[weekdayOf(y, m, d)]} ${d} ${MONTHS[m - 1]}`;
}

const countText = (n: number) => (n === 0 ? "no events" : n === 1 ? "1 event" : `${n} events`);

export function MonthCalendar({
  month,
  events,
  chosenZone,
  hrefFor,
}: {
  month: string;
  events: readonly MonthEvent[];
  chosenZone: string | null;
  hrefFor: (month: string) => string;
}) {
  const { year, month: m } = parseMonth(month);
  const days = daysIn(year, m);
  const navigate = useNavigate();
  const location = useLocation();
  const focusDay = (location.state as { focusDay?: number } | null)?.focusDay;

  const [zone, setZone] = useState(chosenZone ?? "UTC");
  useEffect(() => setZone(chosenZone ?? runtimeTimeZone()), [chosenZone]);
  const [today, setToday] = useState<number | null>(null);
  useEffect(() => {
    const w = wallClockAt(new Date(), zone);
    const day = w.year === year && w.month === m ? w.day : null;
    setToday(day);
  }, [zone, year, m]);

  const byDay = useMemo(() => {
    const map = new Map<number, MonthEvent[]>();
    for (const e of events) {
      const w = wallClockAt(new Date(e.startsAt), zone);
      if (w.year !== year || w.month !== m) continue;
      map.set(w.day, [...(map.get(w.day) ?? []), e]);
    }
    return map;
  }, [events, zone, year, m]);

  const [active, setActive] = useState(() => Math.min(focusDay ?? 1, days));
  const [selected, setSelected] = useState<number | null>(null);
  const buttons = useRef(new Map<number, HTMLButtonElement>());
  /** The day the keyboard moved to: focused once it is rendered. */
  const pendingFocus = useRef<number | null>(null);

  // A new month (PageDown, the links): start on the day asked for, focused when the keyboard asked.
  useEffect(() => {
    // The tab stop: the day the keyboard came for, else today in this month (APG date grid), else the 1st.
    const now = wallClockAt(new Date(), zone);
    const todayHere = now.year === year && now.month === m ? now.day : null;
    setActive(Math.min(focusDay ?? todayHere ?? 1, days));
    setSelected(null);
    if (focusDay) pendingFocus.current = Math.min(focusDay, days);
  }, [month, focusDay, days, zone, year, m]);

  useEffect(() => {
    const day = pendingFocus.current;
    if (day === null || day !== active) return;
    pendingFocus.current = null;
    buttons.current.get(day)?.focus();
  });

  const goTo = (day: number) => {
    if (day >= 1 && day <= days) {
      pendingFocus.current = day;
      setActive(day);
      return;
    }
    // Past the month's edge: the neighbouring month, on the day the move lands on.
    const target = new Date(Date.UTC(year, m - 1, day));
    const next = `${target.getUTCFullYear()}-${pad(target.getUTCMonth() + 1)}`;
    navigate(hrefFor(next), {
      state: { focusDay: target.getUTCDate() },
      preventScrollReset: true,
    });
  };

  const changeMonth = (by: number) => {
    const next = shiftMonth(month, by);
    const { year: ny, month: nm } = parseMonth(next);
    navigate(hrefFor(next), {
      state: { focusDay: Math.min(active, daysIn(ny, nm)) },
      preventScrollReset: true,
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, day: number) => {
    const weekday = weekdayOf(year, m, day);
    const moves: Record<string, () => void> = {
      ArrowRight: () => goTo(day + 1),
      ArrowLeft: () => goTo(day - 1),
      ArrowDown: () => goTo(day + 7),
      ArrowUp: () => goTo(day - 7),
      Home: () => goTo(Math.max(1, day - weekday)),
      End: () => goTo(Math.min(days, day + 6 - weekday)),
      PageDown: () => changeMonth(event.shiftKey ? 12 : 1),
      PageUp: () => changeMonth(event.shiftKey ? -12 : -1),
    };
    const move = moves[event.key];
    if (!move || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    move();
  };

  const lead = weekdayOf(year, m, 1);
  const cells: (number | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const title = monthTitle(month);
  const withEvents = [...byDay.keys()].sort((a, b) => a - b);
  const chosen = selected === null ? null : { day: selected, list: byDay.get(selected) ?? [] };

  const eventLink = (e: MonthEvent) => (
    <Link to={`/events/${e.id}`} className="inline-flex min-h-11 items-center gap-2 font-semibold">
      <span className="tabular-nums">{formatTime(new Date(e.startsAt), zone)}</span>
      <span>
        {e.status === "cancelled" ? "Cancelled: " : ""}
        {e.title}
        {e.group ? <span className="font-normal"> · {e.group.name}</span> : null}
      </span>
    </Link>
  );

  return (
    <div className="space-y-4">
      <nav aria-label="Months" className="flex flex-wrap items-center justify-between gap-3">
        <Link to={hrefFor(shiftMonth(month, -1))} preventScrollReset className="inline-flex min-h-11 items-center px-2 font-semibold">
          <span aria-hidden="true">←&nbsp;</span>
          <span className="sr-only">Previous month, </span>
          {monthTitle(shiftMonth(month, -1))}
        </Link>
        <Link to={hrefFor(shiftMonth(month, 1))} preventScrollReset className="inline-flex min-h-11 items-center px-2 font-semibold">
          <span className="sr-only">Next month, </span>
          {monthTitle(shiftMonth(month, 1))}
          <span aria-hidden="true">&nbsp;→</span>
        </Link>
      </nav>
      <p id="month-help" className="hidden text-sm sm:block">
        Arrow keys move between days, Page Up and Page Down change the month, Enter shows a day’s events. Times are shown in {zone.replace(/_/g, " ")}.
      </p>
      <table className="hidden w-full table-fixed border-collapse sm:table" aria-describedby="month-help">
        <caption className="mb-2 text-left text-2xl font-semibold">{title}</caption>
        <thead>
          <tr>
            {WEEKDAYS.map((d) => (
              <th key={d} scope="col" className="p-1 text-center text-sm font-semibold">
                <abbr title={d} className="no-underline">
                  {d.slice(0, 3)}
                </abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week, i) => (
            <tr key={i}>
              {week.map((day, j) =>
                day === null ? (
                  <td key={`x${j}`} className="p-1" />
                ) : (
                  <td key={day} className="p-1 align-top">
                    <button
                      type="button"
                      ref={(el) => {
                        if (el) buttons.current.set(day, el);
                        else buttons.current.delete(day);
                      }}
                      tabIndex={day === active ? 0 : -1}
                      aria-label={`${dayName(year, m, day)}, ${countText(byDay.get(day)?.length ?? 0)}`}
                      aria-pressed={selected === day}
                      aria-current={today === day ? "date" : undefined}
                      aria-controls="month-day-events"
                      onKeyDown={(e) => onKeyDown(e, day)}
                      onFocus={() => setActive(day)}
                      onClick={() => {
                        setActive(day);
                        setSelected(day);
                      }}
                      className={
                        "flex min-h-14 w-full min-w-11 flex-col items-center justify-start gap-1 rounded-lg border-2 p-1 text-base " +
                        (selected === day
                          ? "border-brand-700 bg-brand-700 text-white dark:border-brand-100 dark:bg-brand-100 dark:text-stone-900"
                          : "border-stone-300 bg-white text-stone-900 hover:bg-brand-50 dark:border-stone-600 dark:bg-stone-800 dark:text-stone-50 dark:hover:bg-stone-700") +
                        (today === day ? " font-bold underline underline-offset-4" : "")
                      }
                    >
                      <span aria-hidden="true">{day}</span>
                      {byDay.get(day)?.length ? (
                        <span aria-hidden="true" className="rounded-full border border-current px-2 text-sm font-semibold">
                          {byDay.get(day)!.length}
                        </span>
                      ) : null}
                    </button>
                  </td>
                )
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <section id="month-day-events" aria-live="polite" className="hidden sm:block">
        {chosen ? (
          <div className="space-y-2 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
            <h2 className="text-2xl">{dayName(year, m, chosen.day)}</h2>
            {chosen.list.length === 0 ? (
              <p>No events on this day.</p>
            ) : (
              <ul aria-label={`Events on ${dayName(year, m, chosen.day)}`} className="space-y-1">
                {chosen.list.map((e) => (
                  <li key={e.id}>{eventLink(e)}</li>
                ))}
              </ul>
            )}
          </div>
        ) : null}
      </section>
      {/* Narrow screens: seven 44 px columns do not fit in 320 px, so the days with events as a list. */}
      <div className="space-y-3 sm:hidden">
        <h2 className="text-2xl">{title}</h2>
        {withEvents.length === 0 ? (
          <p>No events this month.</p>
        ) : (
          <ol aria-label={`Days with events in ${title}`} className="space-y-3">
            {withEvents.map((day) => (
              <li key={day}>
                <h3 className="text-lg font-semibold">{dayName(year, m, day)}</h3>
                <ul className="space-y-1">
                  {byDay.get(day)!.map((e) => (
                    <li key={e.id}>{eventLink(e)}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
