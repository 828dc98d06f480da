import type { ActionFunctionArgs } from "@remix-run/node";
import { and, eq, sql } from "drizzle-orm";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatMessages, events, heldContent, organizationMembers, organizations, posts, threads } from "#db/schema/index";
import type { ChatMessageEdited, RoomJoined, Sent } from "#app/realtime/events";
import { action as newThreadAction } from "#app/routes/groups.$slug.forum.new/route";
import { action as threadAction } from "#app/routes/groups.$slug.forum.$threadId/route";
import { action as editPostAction } from "#app/routes/groups.$slug.forum.$threadId_.posts.$postId.edit/route";
import { action as newEventAction } from "#app/routes/events.new";
import { action as editEventAction } from "#app/routes/events.$eventId.edit";
import { createMember } from "#tests/helpers/app";
import { clientId, createChatGroup, createChatRoom, expectError, expectOk, request } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { postFormTo, type ActionAnswer } from "#tests/helpers/route-action";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;
type Result = ActionAnswer;

const PHONE = "You can ring me on 07700 900123 most evenings";
const QUESTION = /^This looks like personal information \(a phone number\)\. .*anyway\?$/;

/**
 * The personal-data question through the real route actions and the real socket server: text that
 * looks like a phone number answers 422 with the step (`confirm.message`) and the typed text, storing
 * nothing; the same text with confirmPersonal is stored once; a group moderator is never asked.
 */
describe(`the personal-data question on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, member: Member;
  let slug: string, roomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    [mod, member] = [await createMember(server.app, "Mod"), await createMember(server.app, "Member")];
    ({ slug } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [member.id] }));
    roomId = (await createChatRoom(server.app, mod, slug)).id;
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    for (const m of [mod, member]) {
      for (const k of ["forum:thread", "forum:reply", "forum:edit", "chat:send", "chat:edit"]) await server.app.limiter.reset(`${k}:${m.id}`);
    }
  });

  const post = (handler: (args: ActionFunctionArgs) => Promise<Response>, url: string, params: Record<string, string>, fields: Record<string, string>, viewer: Member) =>
    postFormTo(server.app, handler, url, params, fields, viewer);
  const newThread = (fields: Record<string, string>, viewer = member) =>
    post(newThreadAction as never, `http://localhost/groups/${slug}/forum/new`, { slug }, { intent: "post", ...fields }, viewer);
  const reply = (threadId: string, fields: Record<string, string>, viewer = member) =>
    post(threadAction as never, `http://localhost/groups/${slug}/forum/${threadId}`, { slug, threadId }, { intent: "post", ...fields }, viewer);
  const editPost = (threadId: string, postId: string, fields: Record<string, string>, viewer = member) =>
    post(editPostAction as never, `http://localhost/groups/${slug}/forum/${threadId}/posts/${postId}/edit`, { slug, threadId, postId }, { intent: "post", ...fields }, viewer);

  const threadsTitled = (title: string) => server.app.db.select().from(threads).where(eq(threads.title, title));
  const postsWith = (body: string) => server.app.db.select().from(posts).where(eq(posts.body, body));
  const heldCount = async () => (await server.app.db.select({ n: sql<number>`count(*)::int` }).from(heldContent))[0]!.n;

  /** The 422 answer: the question as `confirm.message`, the typed text kept, no form error shown. */
  function expectQuestion(r: Result, typed: Record<string, string>) {
    expect(r.status).toBe(422);
    expect((r.data?.confirm as { message: string } | undefined)?.message).toMatch(QUESTION);
    expect(r.data?.initialValue).toMatchObject(typed);
    const errors = (r.data?.error ?? {}) as Record<string, string[] | null>;
    expect(errors[""] ?? null).toBeNull();
  }

  describe("a new thread", () => {
    it("asks first and stores nothing, then stores it once confirmed", async () => {
      const title = `Meeting up ${Date.now()}`;
      const held = await heldCount();
      const asked = await newThread({ title, body: PHONE });
      expectQuestion(asked, { title, body: PHONE });
      expect(await threadsTitled(title)).toHaveLength(0);
      expect(await heldCount()).toBe(held);

      // Anything but "1" is not a yes.
      expectQuestion(await newThread({ title, body: PHONE, confirmPersonal: "yes" }), { title, body: PHONE });
      expect(await threadsTitled(title)).toHaveLength(0);

      const done = await newThread({ title, body: PHONE, confirmPersonal: "1" });
      expect(done.status).toBe(302);
      const [row] = await threadsTitled(title);
      expect(row).toBeDefined();
      expect(done.location).toContain(`/groups/${slug}/forum/${row!.id}`);
      expect(await postsWith(PHONE)).toHaveLength(1);
    });

    it("asks about the title too", async () => {
      const title = `Write to jo@example.com ${Date.now()}`;
      const r = await newThread({ title, body: "Anyone else find the mornings hardest?" });
      expect(r.status).toBe(422);
      expect((r.data?.confirm as { message: string }).message).toMatch(/an e-mail address/);
      expect(await threadsTitled(title)).toHaveLength(0);
    });

    it("never asks a moderator of the group", async () => {
      const title = `Helpline ${Date.now()}`;
      const body = "Our helpline is 0800 123 4567, or write to help@example.org";
      const r = await newThread({ title, body }, mod);
      expect(r.status).toBe(302);
      expect(await threadsTitled(title)).toHaveLength(1);
    });

    it("says nothing about doses, dates and DBS settings", async () => {
      const title = `Botox update ${Date.now()}`;
      const r = await newThread({ title, body: "Botox 300 units on 2026-12-01, DBS at 2.5 V, C5-C6 fused 3 months ago, 200 mg baclofen" });
      expect(r.status).toBe(302);
    });
  });

  describe("a reply and an edit", () => {
    let threadId: string;
    beforeAll(async () => {
      const title = `Replies ${Date.now()}`;
      expect((await newThread({ title, body: "How are your mornings?" })).status).toBe(302);
      threadId = (await threadsTitled(title))[0]!.id;
    });

    it("a reply asks, stores nothing, then posts once confirmed", async () => {
      const body = `${PHONE} (${Date.now()})`;
      expectQuestion(await reply(threadId, { body }), { body });
      expect(await postsWith(body)).toHaveLength(0);
      const done = await reply(threadId, { body, confirmPersonal: "1" });
      expect(done.status).toBe(302);
      expect(await postsWith(body)).toHaveLength(1);
    });

    it("an edit asks and keeps the old text until confirmed", async () => {
      const original = `Original ${Date.now()}`;
      expect((await reply(threadId, { body: original })).status).toBe(302);
      const [p] = await postsWith(original);
      const body = `I live at 12 Baker Street (${Date.now()})`;
      const asked = await editPost(threadId, p!.id, { body });
      expect(asked.status).toBe(422);
      expect((asked.data?.confirm as { message: string }).message).toMatch(/a street address/);
      expect(asked.data?.initialValue).toMatchObject({ body });
      expect((await server.app.db.select().from(posts).where(eq(posts.id, p!.id)))[0]!.body).toBe(original);
      expect((await editPost(threadId, p!.id, { body, confirmPersonal: "1" })).status).toBe(302);
      expect((await server.app.db.select().from(posts).where(eq(posts.id, p!.id)))[0]!.body).toBe(body);
    });
  });

  describe("chat", () => {
    async function joined(m: Member) {
      const s = server.client({ cookie: `hearth_session=${m.token}` });
      await connected(s);
      expectOk(await request<RoomJoined>(s, "room:join", { roomId }));
      return s;
    }
    const storedWith = async (body: string) => server.app.db.select().from(chatMessages).where(and(eq(chatMessages.roomId, roomId), eq(chatMessages.body, body)));
    let a: Socket;
    beforeAll(async () => {
      a = await joined(member);
    });

    it("a send answers needs_confirmation and stores nothing; the confirmed resend with the same clientId is stored once", async () => {
      const body = `${PHONE} ${Date.now()}`;
      const id = clientId();
      const asked = expectError(await request(a, "message:send", { roomId, body, clientId: id }));
      expect(asked.code).toBe("needs_confirmation");
      expect(asked.message).toMatch(/a phone number/);
      expect(await storedWith(body)).toHaveLength(0);

      const sent = expectOk(await request<Sent>(a, "message:send", { roomId, body, clientId: id, confirmPersonal: true }));
      expect(sent.message.body).toBe(body);
      // The same resend again (a retry after a lost ack) is the same message, not a second one.
      const again = expectOk(await request<Sent>(a, "message:send", { roomId, body, clientId: id, confirmPersonal: true }));
      expect(again.message.id).toBe(sent.message.id);
      expect(await storedWith(body)).toHaveLength(1);
    });

    it("refuses a confirmPersonal that is not true or false", async () => {
      const ack = expectError(await request(a, "message:send", { roomId, body: "hello", clientId: clientId(), confirmPersonal: "1" }));
      expect(ack.code).toBe("invalid");
    });

    it("an edit asks too, and keeps the old text until confirmed", async () => {
      const original = `See you Tuesday ${Date.now()}`;
      const m = expectOk(await request<Sent>(a, "message:send", { roomId, body: original, clientId: clientId() })).message;
      const body = `write to me: sam@example.org ${Date.now()}`;
      const asked = expectError(await request(a, "message:edit", { messageId: m.id, body }));
      expect(asked.code).toBe("needs_confirmation");
      expect((await server.app.db.select().from(chatMessages).where(eq(chatMessages.id, m.id)))[0]!.body).toBe(original);
      const edited = expectOk(await request<ChatMessageEdited & { changed: boolean }>(a, "message:edit", { messageId: m.id, body, confirmPersonal: true }));
      expect(edited.body).toBe(body);
    });

    it("never asks the room's moderator", async () => {
      const s = await joined(mod);
      const body = `Helpline 0800 123 4567 ${Date.now()}`;
      expectOk(await request<Sent>(s, "message:send", { roomId, body, clientId: clientId() }));
      expect(await storedWith(body)).toHaveLength(1);
    });
  });

  describe("events (organizers are asked too; the location field is a venue address on purpose)", () => {
    let organizer: Member;
    const orgId = `org-pd-${Date.now().toString(36)}`;
    const valid = {
      organizationId: orgId,
      groupId: "",
      title: "Coffee morning",
      description: "",
      timeZone: "Europe/London",
      startsAt: "2030-06-01T10:00",
      endsAt: "2030-06-01T12:00",
      format: "in_person",
      location: "Town hall, 12 Baker Street, London SW1A 1AA",
      onlineUrl: "",
      capacity: "",
      registrationDeadline: "",
    };
    beforeAll(async () => {
      organizer = await createMember(server.app, "Organizer");
      await server.app.db.insert(organizations).values({ id: orgId, slug: orgId, name: "Org PD" });
      await server.app.db.insert(organizationMembers).values({ organizationId: orgId, userId: organizer.id, role: "admin" });
    });
    const eventsTitled = (title: string) => server.app.db.select().from(events).where(eq(events.title, title));

    it("a new event whose description has a phone number asks, stores nothing, then posts once confirmed", async () => {
      const title = `Coffee morning ${Date.now()}`;
      const fields = { ...valid, title, description: "Questions? Ring Sam on 07700 900123." };
      const asked = await post(newEventAction as never, "http://localhost/events/new", {}, fields, organizer);
      expect(asked.status).toBe(422);
      expect((asked.data?.confirm as { message: string }).message).toBe(
        "This looks like personal information (a phone number). Anyone who can see this event will see it. Save anyway?",
      );
      expect(asked.data?.initialValue).toMatchObject({ description: fields.description });
      expect(await eventsTitled(title)).toHaveLength(0);
      const done = await post(newEventAction as never, "http://localhost/events/new", {}, { ...fields, confirmPersonal: "1" }, organizer);
      expect(done.status).toBe(302);
      expect(await eventsTitled(title)).toHaveLength(1);
    });

    it("the venue address in the location field is never a question", async () => {
      const title = `Walk ${Date.now()}`;
      const r = await post(newEventAction as never, "http://localhost/events/new", {}, { ...valid, title }, organizer);
      expect(r.status).toBe(302);
    });

    it("an edit asks when the new description has an e-mail address, and not when the text is unchanged", async () => {
      const title = `Picnic ${Date.now()}`;
      expect((await post(newEventAction as never, "http://localhost/events/new", {}, { ...valid, title }, organizer)).status).toBe(302);
      const [e] = await eventsTitled(title);
      const url = `http://localhost/events/${e!.id}/edit`;
      const asked = await post(editEventAction as never, url, { eventId: e!.id }, { ...valid, title, description: "Write to sam@example.org" }, organizer);
      expect(asked.status).toBe(422);
      expect((await eventsTitled(title))[0]!.description ?? "").toBe("");
      const saved = await post(editEventAction as never, url, { eventId: e!.id }, { ...valid, title, description: "Write to sam@example.org", confirmPersonal: "1" }, organizer);
      expect(saved.status).toBe(302);
      // Saving again with the same text (say, a new time) is not asked a second time.
      const again = await post(editEventAction as never, url, { eventId: e!.id }, { ...valid, title, description: "Write to sam@example.org", startsAt: "2030-06-01T11:00" }, organizer);
      expect(again.status).toBe(302);
    });
  });
});
