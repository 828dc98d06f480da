import { useEffect, useState } from "react";
import { describeForViewer, runtimeTimeZone } from "#app/lib/time";

/**
 * When an event happens. The server renders `inZone` (the time in the event's own zone, formatted
 * by the loader so hydration matches exactly); after hydration, if the reader's clock differs, it
 * switches to "18:00 your time (19:00 CET)" using the browser's own time zone.
 */
export function EventTime({ startsAt, endsAt, timeZone, inZone }: { startsAt: string; endsAt: string; timeZone: string; inZone: string }) {
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => {
    setLocal(describeForViewer(new Date(startsAt), new Date(endsAt), timeZone, runtimeTimeZone()));
  }, [startsAt, endsAt, timeZone]);
  return (
    <time dateTime={startsAt} data-testid="event-time">
      {local ?? inZone}
    </time>
  );
}
