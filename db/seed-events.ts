import { and, eq, lt } from "drizzle-orm";
import { expandRRule, formatRRule, parseRRule, WEEKDAYS } from "../app/lib/rrule";
import type { Database } from "./client";
import { eventRsvps, events, eventSeries } from "./schema/index";

const ORG_ID = "demo-org";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A UTC instant `days` from now at `hour`:`minute` on the clock of `zone` (whole days, so the demo
 * stays upcoming whenever it is seeded). Intl only; the app's own helpers live in app/lib/time.ts.
 */
function at(days: number, hour: number, minute: number, zone: string): Date {
  const day = new Date(Date.now() + days * DAY);
  const ymd = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(day);
  const [y, m, d] = ymd.split("-").map(Number);
  const guess = Date.UTC(y!, m! - 1, d!, hour, minute);
  // Correct for the zone's offset at that moment (twice, to settle across a DST change).
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" }).formatToParts(new Date(t));
    const p = Object.fromEntries(parts.map((x) => [x.type, Number(x.value)]));
    const shown = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!);
    t += guess - shown;
  }
  return new Date(t);
}

/** The demo organization's upcoming events. Idempotent: fixed ids, ON CONFLICT DO NOTHING. */
export async function seedEvents(db: Database): Promise<void> {
  const qa = at(9, 18, 0, "Europe/London");
  const meetup = at(16, 14, 0, "Europe/London");
  const dbs = at(23, 19, 0, "Europe/Berlin");
  const carers = at(12, 19, 30, "Europe/London");
  await db
    .insert(events)
    .values([
      {
        id: "demo-event-pt-qa",
        organizationId: ORG_ID,
        groupId: "demo-group-cervical",
        title: "Online Q&A: physical therapy for cervical dystonia",
        description:
          "A physiotherapist who works with cervical dystonia answers your questions.\n\n- Stretches that help, and ones to avoid\n- Posture at the desk and in bed\n- Working alongside botulinum toxin injections\n\nCameras optional. Questions can be typed in the chat or sent in advance.",
        startsAt: qa,
        endsAt: new Date(qa.getTime() + 1.5 * HOUR),
        timeZone: "Europe/London",
        format: "online",
        onlineUrl: "https://meet.example.org/hearth-pt-qa",
        capacity: 40,
        createdBy: "demo-morgan",
      },
      {
        id: "demo-event-meetup",
        organizationId: ORG_ID,
        groupId: null,
        title: "In-person support meetup in Leeds",
        description:
          "Tea, cake and conversation with others who live with dystonia. Step-free access, quiet room available, and nobody minds if you need to stand, stretch or leave early.",
        startsAt: meetup,
        endsAt: new Date(meetup.getTime() + 2 * HOUR),
        timeZone: "Europe/London",
        format: "in_person",
        location: "Community Centre, 12 Example Street, Leeds LS1 1AA",
        capacity: 12,
        registrationDeadline: new Date(meetup.getTime() - DAY),
        createdBy: "demo-morgan",
      },
      {
        id: "demo-event-dbs-webinar",
        organizationId: ORG_ID,
        groupId: null,
        title: "Webinar: deep brain stimulation, what to expect",
        description:
          "A neurosurgeon and two people who have had DBS for dystonia talk about assessment, surgery, programming and living with a stimulator. Hybrid: join in Berlin or online.",
        startsAt: dbs,
        endsAt: new Date(dbs.getTime() + 1.5 * HOUR),
        timeZone: "Europe/Berlin",
        format: "hybrid",
        location: "Lecture hall 2, Example Clinic, Berlin",
        onlineUrl: "https://meet.example.org/hearth-dbs-webinar",
        createdBy: "demo-morgan",
      },
      {
        id: "demo-event-carers-evening",
        organizationId: ORG_ID,
        groupId: "demo-group-carers",
        title: "Carers' evening",
        description: "An informal online evening for partners, parents and friends who support someone with dystonia. Members of the Carers & family group only.",
        startsAt: carers,
        endsAt: new Date(carers.getTime() + 1.5 * HOUR),
        timeZone: "Europe/London",
        format: "online",
        onlineUrl: "https://meet.example.org/hearth-carers",
        capacity: 15,
        createdBy: "demo-morgan",
      },
    ])
    .onConflictDoNothing();
  await db
    .insert(eventRsvps)
    .values([
      { eventId: "demo-event-pt-qa", userId: "demo-alex", status: "going", seq: 1 },
      { eventId: "demo-event-pt-qa", userId: "demo-robin", status: "going", seq: 2 },
      { eventId: "demo-event-carers-evening", userId: "demo-robin", status: "going", seq: 1 },
    ])
    .onConflictDoNothing();
  await seedPeerSupportSeries(db);
  // Keep the per-event RSVP counters ahead of the seeded rows.
  for (const [id, seq] of [["demo-event-pt-qa", 2], ["demo-event-carers-evening", 1]] as const) {
    await db.update(events).set({ rsvpSeq: seq }).where(and(eq(events.id, id), lt(events.rsvpSeq, seq)));
  }
}

/**
 * A fortnightly online peer-support evening for the cervical dystonia group, six times: a recurring
 * series (decision 0021) expanded by the app's own rule code, so the demo shows the series panel,
 * the "Repeats" badge and an RRULE feed. Fixed ids, so seeding twice adds nothing.
 */
async function seedPeerSupportSeries(db: Database): Promise<void> {
  const zone = "Europe/London";
  const first = at(5, 18, 0, zone);
  // 18:00 in London is the same day in UTC (offset 0 or +1), so the UTC weekday is London's.
  const weekday = WEEKDAYS[(first.getUTCDay() + 6) % 7]!;
  const parsed = parseRRule(`FREQ=WEEKLY;INTERVAL=2;BYDAY=${weekday};COUNT=6`);
  if (!parsed.ok) throw new Error(parsed.message);
  const expanded = expandRRule(parsed.rule, first, zone);
  if (!expanded.ok) throw new Error(expanded.message);
  const inserted = await db
    .insert(eventSeries)
    .values({ id: "demo-series-peer", organizationId: ORG_ID, groupId: "demo-group-cervical", rrule: formatRRule(parsed.rule), timeZone: zone, createdBy: "demo-morgan" })
    .onConflictDoNothing()
    .returning({ id: eventSeries.id });
  if (inserted.length === 0) return;
  await db
    .insert(events)
    .values(
      expanded.starts.map((start, i) => ({
        id: `demo-series-peer-${i + 1}`,
        organizationId: ORG_ID,
        groupId: "demo-group-cervical",
        seriesId: "demo-series-peer",
        recurrenceId: start,
        title: "Peer support evening (online)",
        description:
          "An hour to talk with others who live with cervical dystonia: what helps with neck and shoulder pain, how injections are going, and anything else on your mind. Cameras optional; you can type instead of speaking.",
        startsAt: start,
        endsAt: new Date(start.getTime() + HOUR),
        timeZone: zone,
        format: "online" as const,
        onlineUrl: "https://meet.example.org/hearth-peer-support",
        capacity: 20,
        createdBy: "demo-morgan",
      })),
    )
    .onConflictDoNothing();
}
