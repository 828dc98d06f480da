import { z } from "zod";
import { CHANNELS, NOTIFICATION_TYPE_INFO, NOTIFICATION_TYPES, type Channel, type NotificationType } from "./types";

/**
 * A member's notification settings as stored in users.notification_settings (jsonb). Stored values
 * are read leniently (anything unknown or broken falls back to the default, so an old row never
 * breaks delivery); the settings form is parsed strictly by the settings page's own schema.
 */
export interface NotificationSettings {
  channels: Record<NotificationType, Channel>;
  /** Local wall-clock times "HH:MM"; e-mail waits until `to`. Null: no quiet hours. */
  quietHours: { from: string; to: string } | null;
  /** IANA zone the quiet hours and the digest hour are in. */
  timeZone: string;
  /** Local hour (0–23) the daily digest goes out. */
  digestHour: number;
  /** Leave post text out of e-mails about private groups ("open Hearth to read it"). */
  hidePrivateText: boolean;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const StoredSettings = z
  .object({
    channels: z.record(z.string(), z.unknown()).catch({}),
    quietHours: z
      .object({ from: z.string().regex(HHMM), to: z.string().regex(HHMM) })
      .nullable()
      .catch(null),
    timeZone: z.string().refine(isTimeZone).catch("UTC"),
    digestHour: z.number().int().min(0).max(23).catch(8),
    hidePrivateText: z.boolean().catch(true),
  })
  .partial()
  .catch({});

export function readNotificationSettings(stored: unknown): NotificationSettings {
  const s = StoredSettings.parse(stored ?? {});
  const channels = {} as Record<NotificationType, Channel>;
  for (const type of NOTIFICATION_TYPES) {
    const v = s.channels?.[type];
    channels[type] = (CHANNELS as readonly unknown[]).includes(v) ? (v as Channel) : NOTIFICATION_TYPE_INFO[type].default;
  }
  return {
    channels,
    quietHours: s.quietHours ?? null,
    timeZone: s.timeZone ?? "UTC",
    digestHour: s.digestHour ?? 8,
    hidePrivateText: s.hidePrivateText ?? true,
  };
}

/** The wall-clock time "HH:MM" and date "YYYY-MM-DD" of `at` in `zone`. */
export function localParts(at: Date, zone: string): { date: string; time: string; hour: number } {
  const f = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, hour: Number(p.hour) };
}

/** True when `at` falls inside the quiet hours (which may run over midnight: 22:00–07:00). */
export function inQuietHours(settings: NotificationSettings, at: Date): boolean {
  const q = settings.quietHours;
  if (!q || q.from === q.to) return false;
  const { time } = localParts(at, settings.timeZone);
  return q.from < q.to ? time >= q.from && time < q.to : time >= q.from || time < q.to;
}

/**
 * When an e-mail caused at `now` may go out: now, or the end of the quiet hours it falls in. Found by
 * stepping a minute at a time from now (at most a day), so DST changes need no special case.
 */
export function emailDueAt(settings: NotificationSettings, now: Date): Date {
  if (!inQuietHours(settings, now)) return now;
  const step = 60_000;
  let t = Math.ceil(now.getTime() / step) * step;
  for (let i = 0; i < 24 * 60 + 1 && inQuietHours(settings, new Date(t)); i++) t += step;
  return new Date(t);
}
