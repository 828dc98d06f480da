import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventMessages, eventRsvps, groupMemberships, groups, notifications, organizationMembers, organizations, users, watchedWords } from "#db/schema/index";
import { newId } from "#app/lib/ids.server";
import type { EventInput } from "#app/modules/events/events.schema";
import { cancelEvent, createEvent } from "#app/modules/events/events.server";
import { sendEventMessage } from "#app/modules/events/messages.server";
import { eventMessageSource } from "#app/modules/events/message-notify.server";
import { action as messageAction, loader as messageLoader } from "#app/routes/events.$eventId.message";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { fanoutsDone } from "#tests/helpers/fanout";
import { startInbox, type Inbox } from "#tests/helpers/mail";
import { postFormTo } from "#tests/helpers/route-action";

type Member = Awaited<ReturnType<typeof createMember>>;
const HOUR = 3_600_000;

function input(over: Partial<EventInput> = {}): EventInput {
  const startsAt = new Date(Date.now() + 7 * 24 * HOUR);
  return {
    organizationId: "org-msg",
    groupId: "g-msg-pub",
    title: "Peer support evening",
    description: "",
    timeZone: "Europe/Berlin",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * HOUR),
    format: "in_person",
    location: "Room 4",
    onlineUrl: null,
    capacity: null,
    registrationDeadline: null,
    ...over,
  };
}

describe(`organizers message attendees (events.message fan-out, real SMTP) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let inbox: Inbox;
  let owner: Member;
  let seq = 0;

  const answer = (eventId: string, userId: string, status: "going" | "waitlisted" | "maybe" | "not_going" | "cancelled") =>
    t.app.db.insert(eventRsvps).values({ eventId, userId, status, seq: ++seq });
  const noticesOf = (eventId: string) =>
    t.app.db.select({ userId: notifications.userId, title: notifications.title, body: notifications.body, link: notifications.link, dedupeKey: notifications.dedupeKey }).from(notifications).where(and(eq(notifications.eventId, eventId), eq(notifications.kind, "event_message")));
  const send = (viewer: Member | null, eventId: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    // Pairs, not a record: the audience boxes repeat their name (postFormTo hands them to URLSearchParams).
    return postFormTo(t.app, messageAction, `http://localhost/events/${eventId}/message`, { eventId }, [...body] as unknown as Record<string, string>, viewer);
  };

  beforeAll(async () => {
    inbox = await startInbox();
    t = await createTestApp({ SMTP_URL: inbox.url });
    await t.app.jobs.start(t.app);
    await t.app.db.insert(organizations).values({ id: "org-msg", slug: "org-msg", name: "Message Org" });
    await t.app.db.insert(groups).values([
      { id: "g-msg-pub", slug: "msg-public", name: "Public circle", organizationId: "org-msg" },
      { id: "g-msg-priv", slug: "msg-private", name: "Private circle", organizationId: "org-msg", visibility: "private", joinPolicy: "approval" },
    ]);
    owner = await createMember(t.app, "Organizer");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-msg", userId: owner.id, role: "owner" });
  });
  afterAll(async () => {
    await t.close();
    await inbox.close();
  });

  it("reaches exactly the chosen statuses, in-app always and by e-mail per preference, with the whole text under '[event] subject'", async () => {
    const { id } = await createEvent(t.app, owner, input());
    const [going, maybe, waiting, notGoing, cancelled, quiet] = await Promise.all(["Going", "Maybe", "Waiting", "Nope", "Cancelled", "Quiet"].map((n) => createMember(t.app, n)));
    await answer(id, going.id, "going");
    await answer(id, maybe.id, "maybe");
    await answer(id, waiting.id, "waitlisted");
    await answer(id, notGoing.id, "not_going");
    await answer(id, cancelled.id, "cancelled");
    await answer(id, quiet.id, "going");
    // Quiet keeps organizers' messages in Hearth only.
    await t.app.db.update(users).set({ notificationSettings: { channels: { event_message: "in_app" } } }).where(eq(users.id, quiet.id));

    const long = `Room change: we meet in **Room 7** this week.\n\n${"Please bring a cup. ".repeat(30)}The end.`;
    const r = await send(owner, id, { audience: ["going", "maybe"], subject: "Room change", body: long });
    expect(r.status).toBe(200);
    expect(r.data?.sent).toBe("Your message is on its way to 3 people.");
    await fanoutsDone(t.app);

    const rows = await noticesOf(id);
    expect(rows.map((n) => n.userId).sort()).toEqual([going.id, maybe.id, quiet.id].sort());
    expect(rows[0]!.title).toBe("Message about “Peer support evening”: Room change");
    expect(rows[0]!.link).toBe(`/events/${id}`);
    expect(new Set(rows.map((n) => n.dedupeKey)).size).toBe(1);

    const mail = await inbox.next(going.email);
    expect(mail.subject).toBe("[Peer support evening] Room change");
    expect(mail.text).toContain("Please bring a cup.");
    expect(mail.text).toContain("The end."); // the whole message, not the 280-character excerpt
    await inbox.next(maybe.email);
    expect(inbox.untaken(quiet.email)).toEqual([]);
    for (const m of [waiting, notGoing, cancelled]) expect(inbox.untaken(m.email)).toEqual([]);

    // The sent list: counted at send time, with the statuses.
    const page = await messageLoader({ params: { eventId: id }, context: { app: t.app, viewer: owner }, request: new Request(`http://localhost/events/${id}/message`) } as never);
    const data = page as unknown as { sent: { subject: string; line: string }[]; counts: Record<string, number> };
    expect(data.counts).toEqual({ going: 2, waitlisted: 1, maybe: 1 });
    expect(data.sent[0]!.subject).toBe("Room change");
    expect(data.sent[0]!.line).toMatch(/^Sent .+ to 3 people \(going, maybe\)$/);
  });

  it("a recipient who lost access (left the private group) or changed their answer before delivery gets nothing", async () => {
    const { id } = await createEvent(t.app, owner, input({ groupId: "g-msg-priv", title: "Private evening" }));
    const [stays, leaves, changes] = await Promise.all(["Stays", "Leaves", "Changes"].map((n) => createMember(t.app, n)));
    await t.app.db.insert(groupMemberships).values([stays, leaves, changes].map((m) => ({ groupId: "g-msg-priv", userId: m.id })));
    for (const m of [stays, leaves, changes]) await answer(id, m.id, "going");
    // One has left the group, one now answers "not going": the count is what was asked, delivery re-checks.
    await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, "g-msg-priv"), eq(groupMemberships.userId, leaves.id)));
    const sent = await sendEventMessage(t.app, owner, id, { audience: ["going"], subject: "See you", body: "Doors at 18:00." });
    expect(sent.recipientCount).toBe(3);
    // And what the job resolves later, after another change, follows the database then.
    await t.app.db.update(eventRsvps).set({ status: "not_going" }).where(and(eq(eventRsvps.eventId, id), eq(eventRsvps.userId, changes.id)));
    const drafts = await eventMessageSource.resolve(t.app, { messageId: sent.id });
    expect(drafts.flatMap((d) => d.recipients)).toEqual([stays.id]);
    await fanoutsDone(t.app);
    expect((await noticesOf(id)).map((n) => n.userId)).toEqual([stays.id]);
    // A private group's message mails without its text by default (the member's own setting).
    const mail = await inbox.next(stays.email);
    expect(mail.subject).toBe("A message from event organizers on Hearth");
    expect(mail.text).not.toContain("Doors at 18:00");
    expect(inbox.untaken(leaves.email)).toEqual([]);
    expect(inbox.untaken(changes.email)).toEqual([]);
  });

  it("bad input is refused next to the field and keeps what was typed; nothing is stored", async () => {
    const { id } = await createEvent(t.app, owner, input({ title: "Input evening" }));
    await answer(id, (await createMember(t.app, "Someone")).id, "going");
    const none = await send(owner, id, { subject: "Hi", body: "Text" });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.data)).toContain("Choose at least one group of people to write to.");
    const long = await send(owner, id, { audience: "going", subject: "x".repeat(121), body: "Kept text" });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.data)).toContain("Use at most 120 characters for the subject.");
    expect(JSON.stringify(long.data)).toContain("Kept text");
    const forged = await send(owner, id, { audience: "not_going", subject: "Hi", body: "Text" });
    expect(forged.status).toBe(400);
    const nobody = await send(owner, id, { audience: "maybe", subject: "Hi", body: "Text" });
    expect(nobody.status).toBe(400);
    expect(JSON.stringify(nobody.data)).toContain("Nobody has that answer yet");

    await t.app.db.insert(watchedWords).values({ id: newId(), organizationId: "org-msg", pattern: "bannedword", action: "block" });
    const watched = await send(owner, id, { audience: "going", subject: "About bannedword", body: "Text" });
    expect(watched.status).toBe(400);
    expect(JSON.stringify(watched.data)).toContain("please rephrase");
    expect(await t.app.db.select().from(eventMessages).where(eq(eventMessages.eventId, id))).toEqual([]);
  });

  it("forged organizer actions: a member gets 403, a visitor or outsider of a private group's event 404, a cancelled event takes none", async () => {
    const pub = await createEvent(t.app, owner, input({ title: "Forged evening" }));
    const priv = await createEvent(t.app, owner, input({ groupId: "g-msg-priv", title: "Forged private" }));
    const member = await createMember(t.app, "Member");
    await answer(pub.id, member.id, "going");
    const fields = { audience: "going", subject: "Hi", body: "Text" };
    expect((await send(member, pub.id, fields)).status).toBe(403);
    expect((await send(member, priv.id, fields)).status).toBe(404);
    expect((await send(null, pub.id, fields)).status).toBe(302); // sign in first
    await cancelEvent(t.app, owner, pub.id);
    expect((await send(owner, pub.id, fields)).status).toBe(403);
    expect(await t.app.db.select().from(eventMessages).where(eq(eventMessages.eventId, pub.id))).toEqual([]);
  });

  it("is rate-limited per organizer", async () => {
    const admin = await createMember(t.app, "Admin");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-msg", userId: admin.id, role: "admin" });
    const { id } = await createEvent(t.app, owner, input({ title: "Busy evening" }));
    await answer(id, (await createMember(t.app, "Someone")).id, "going");
    for (let i = 0; i < 10; i++) await sendEventMessage(t.app, admin, id, { audience: ["going"], subject: `Note ${i}`, body: "Text" });
    const r = await send(admin, id, { audience: "going", subject: "One more", body: "Text" });
    expect(r.status).toBe(429);
    // Another organizer is not held back by it.
    expect((await send(owner, id, { audience: "going", subject: "Mine", body: "Text" })).status).toBe(200);
  });
});
