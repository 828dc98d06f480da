import { formatDayTime, zoneAbbreviation } from "#app/lib/time";
import { can } from "#app/policy.server";
import { targetsFor, type Tx } from "./common.server";

/** Event notices: who may be told about an event (only those who may still see it), and how its time reads in one. */

/** Of these people, those who may still see the event (policy `event.view`): every event notice goes only to them. */
export async function mayStillSee(tx: Tx, eventId: string, userIds: readonly string[]): Promise<string[]> {
  return (await targetsFor(tx, eventId, userIds)).filter((p) => can(p.actor, "event.view", p.target)).map((p) => p.userId);
}

export const described = (e: { startsAt: Date; timeZone: string }) => `${formatDayTime(e.startsAt, e.timeZone, { year: true })} ${zoneAbbreviation(e.startsAt, e.timeZone)}`;
