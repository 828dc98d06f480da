import { describe, expect, it } from "vitest";
import type { ChatMessage, ChatRoomState, ChatYou } from "#app/realtime/events";
import { hasUnread, initialRoomState, muteCheck, readableSeq, roomReducer, unreadText, waitingSends, type RoomAction, type RoomState } from "#app/realtime/room-state";

/** The chat client's state machine (app/realtime/room-state.ts), without React or a socket. */

const self = { id: "u-self", displayName: "Sam" };
const other = { id: "u-other", displayName: "Olu" };
const room: ChatRoomState = { id: "r1", name: "General", locked: false, archived: false, slowModeSeconds: 0, pinned: null, retentionDays: null };
const you: ChatYou = { canSend: true, sendBlockedReason: null, mutedUntil: null, canModerate: false };

function msg(seq: number, author = other, clientId = `c-${seq}`): ChatMessage {
  return {
    id: `m-${seq}`,
    roomId: room.id,
    seq,
    author: { ...author, staff: null },
    body: `message ${seq}`,
    clientId,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, seq)).toISOString(),
    kind: "text",
    editedAt: null,
    deleted: null,
    replyTo: null,
    reactions: [],
    voice: null,
    system: null,
    movedTo: null,
  };
}

const start = (messages: ChatMessage[] = []) => initialRoomState({ room, you, messages, hasOlder: false });
const run = (state: RoomState, ...actions: RoomAction[]) => actions.reduce(roomReducer, state);
const merge = (messages: ChatMessage[], announce = true): RoomAction => ({ type: "merge", messages, selfId: self.id, announce });
const seqs = (s: RoomState) => s.messages.map((m) => m.seq);

describe("room state: messages", () => {
  it("dedupes by id: the same message from the ack, the broadcast and a catch-up is held once", () => {
    const s = run(start([msg(1)]), merge([msg(2)]), merge([msg(2)]), merge([msg(1), msg(2)]));
    expect(s.messages.map((m) => m.id)).toEqual(["m-1", "m-2"]);
  });

  it("orders by seq whatever order they arrive in, and the cursor stops at the first gap", () => {
    const s = run(start([msg(1)]), merge([msg(4)]), merge([msg(2)]));
    expect(seqs(s)).toEqual([1, 2, 4]);
    // seq 3 is missing: a re-join must ask "after 2" so it is fetched, never skipped.
    expect(s.lastSeq).toBe(2);
    expect(run(s, merge([msg(3)])).lastSeq).toBe(4);
  });

  it("catches up after a reconnect: the join's page and the history pages fill the gap in order", () => {
    let s = run(start([msg(1), msg(2)]), { type: "connection", value: "reconnecting" });
    expect(s.lastSeq).toBe(2);
    s = run(
      s,
      { type: "joined", data: { room, you, group: { slug: "g", name: "G" }, messages: [msg(3), msg(4)], hasMore: true, hasOlder: false, presence: { roomId: room.id, people: [], count: 0 }, lastReadSeq: 0 } },
      merge([msg(3), msg(4)]),
      merge([msg(5), msg(6)], false),
    );
    expect(s.connection).toBe("online");
    expect(seqs(s)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.lastSeq).toBe(6);
    // The caught-up lines are read out once, as one summary of what others wrote.
    expect(s.announcement).toBe("2 new messages. Latest from Olu: message 4");
  });

  it("a deletion blanks the body and unpins it", () => {
    const pinnedRoom = { ...room, pinned: msg(1) };
    const s = run({ ...start([msg(1)]), room: pinnedRoom }, { type: "deleted", messageId: "m-1", at: "2026-01-01T13:00:00.000Z" });
    expect(s.messages[0]).toMatchObject({ body: "", deleted: { at: "2026-01-01T13:00:00.000Z" } });
    expect(s.room.pinned).toBeNull();
  });
});

describe("room state: sends", () => {
  const pending = (clientId: string, status: "waiting" | "sending" | "failed" = "sending"): RoomAction => ({
    type: "pending",
    pending: { clientId, body: "hi", status, error: null },
  });

  it("pending → sent exactly once, whether the broadcast or the ack comes first", () => {
    const mine = msg(7, self, "c-mine");
    for (const order of [
      [merge([mine]), merge([mine], false), { type: "settle", clientId: "c-mine", error: null }],
      [merge([mine], false), { type: "settle", clientId: "c-mine", error: null }, merge([mine])],
    ] as RoomAction[][]) {
      const s = run(start(), pending("c-mine"), ...order);
      expect(s.pending).toEqual([]);
      expect(s.messages.filter((m) => m.clientId === "c-mine")).toHaveLength(1);
      // One's own message is not announced back to oneself.
      expect(s.announcement).toBe("");
    }
  });

  it("a timed-out send that did get through is reconciled when its message arrives, not shown twice", () => {
    let s = run(start(), pending("c-slow"), { type: "settle", clientId: "c-slow", error: "Not sent: no answer" });
    expect(s.pending).toEqual([{ clientId: "c-slow", body: "hi", status: "failed", error: "Not sent: no answer" }]);
    s = run(s, merge([msg(1, self, "c-slow")]));
    expect(s.pending).toEqual([]);
    expect(s.messages).toHaveLength(1);
  });

  it("a retry keeps its clientId and one entry; offline sends wait and are resent oldest first", () => {
    let s = run(start(), pending("c-a", "waiting"), pending("c-b", "waiting"), pending("c-c"));
    expect(waitingSends(s).map((p) => p.clientId)).toEqual(["c-a", "c-b"]);
    s = run(s, { type: "status", clientId: "c-a", status: "sending" }, pending("c-b", "sending"));
    // Resending "c-b" again (a Retry) replaces its entry, moved to the end: never two copies.
    expect(s.pending.map((p) => [p.clientId, p.status])).toEqual([["c-a", "sending"], ["c-c", "sending"], ["c-b", "sending"]]);
    expect(waitingSends(s)).toEqual([]);
  });
});

describe("room state: mute, presence, typing, notices", () => {
  it("mute expiry: wait until the end (in steps a timer can hold), then ask the server, again every few seconds", () => {
    const now = Date.parse("2026-01-01T12:00:00.000Z");
    expect(muteCheck("2026-01-01T12:10:00.000Z", now)).toEqual({ askNow: false, waitMs: 10 * 60_000 + 250 });
    expect(muteCheck("2026-03-01T12:00:00.000Z", now)).toEqual({ askNow: false, waitMs: 2 ** 31 - 1 });
    expect(muteCheck("2026-01-01T12:00:00.000Z", now)).toEqual({ askNow: true, retryMs: 3000 });
    expect(muteCheck("2026-01-01T11:59:00.000Z", now)).toEqual({ askNow: true, retryMs: 3000 });
  });

  it("a mute and its lifting update the standing, keep a notice and read it out", () => {
    let s = run(start(), { type: "you", you: { canSend: false, mutedUntil: "2026-01-01T12:10:00.000Z", sendBlockedReason: "Muted." }, notice: "You were muted." });
    expect(s.you).toMatchObject({ canSend: false, mutedUntil: "2026-01-01T12:10:00.000Z" });
    expect(s.announcement).toBe("You were muted.");
    s = run(s, { type: "you", you: {}, removed: null, notice: "Your mute was lifted." }, { type: "joined", data: { room, you, group: { slug: "g", name: "G" }, messages: [], hasMore: false, hasOlder: false, presence: { roomId: room.id, people: [], count: 0 }, lastReadSeq: 0 } });
    expect(s.you.canSend).toBe(true);
    expect(s.notices.map((n) => n.message)).toEqual(["You were muted.", "Your mute was lifted."]);
    expect(new Set(s.notices.map((n) => n.id)).size).toBe(2);
  });

  it("keeps the last five notices", () => {
    const s = run(start(), ...Array.from({ length: 7 }, (_, i): RoomAction => ({ type: "notice", message: `n${i}` })));
    expect(s.notices.map((n) => n.message)).toEqual(["n2", "n3", "n4", "n5", "n6"]);
  });

  it("presence is replaced by the latest; a typist goes when their message arrives or their time is up", () => {
    let s = run(start(), { type: "presence", presence: { roomId: room.id, people: [other], count: 1 } });
    expect(s.presence?.count).toBe(1);
    s = run(s, { type: "typing", userId: other.id, typist: { ...other, until: 1000 } });
    expect(s.typing.map((t) => t.id)).toEqual([other.id]);
    expect(run(s, merge([msg(1)])).typing).toEqual([]);
    expect(run(s, { type: "expireTyping", now: 999 }).typing).toHaveLength(1);
    expect(run(s, { type: "expireTyping", now: 1000 }).typing).toEqual([]);
    expect(run(s, { type: "typing", userId: other.id, typist: null }).typing).toEqual([]);
  });
});

describe("room state: the New messages divider", () => {
  const opened = (lastReadSeq: number, messages: ChatMessage[]) => initialRoomState({ room, you, messages, hasOlder: false, lastReadSeq });
  const firstUnread = (s: RoomState) => s.messages.find((m) => s.dividerAfter !== null && m.seq > s.dividerAfter)?.seq;

  it("goes before the first message after the read position, and stays there as the reader reads on", () => {
    let s = opened(2, [msg(1), msg(2), msg(3), msg(4)]);
    expect(hasUnread(s)).toBe(true);
    expect(firstUnread(s)).toBe(3);
    expect(unreadText(s)).toBe("2 new messages");
    s = run(s, { type: "viewing", value: true }, merge([msg(5)]));
    expect(firstUnread(s)).toBe(3);
    expect(unreadText(s)).toBe("3 new messages");
  });

  it("nothing unread: what arrives while the reader looks, or their own message, opens no divider", () => {
    let s = run(opened(2, [msg(1), msg(2)]), { type: "viewing", value: true }, merge([msg(3)]));
    expect(hasUnread(s)).toBe(false);
    s = run(s, { type: "viewing", value: false }, merge([msg(4, self)], false));
    expect(hasUnread(s)).toBe(false);
    expect(s.dividerAfter).toBe(4);
  });

  it("what arrives while the reader is away (tab hidden or scrolled up) is after the divider", () => {
    const s = run(opened(2, [msg(1), msg(2)]), { type: "viewing", value: false }, merge([msg(3), msg(4)]), { type: "viewing", value: true });
    expect(firstUnread(s)).toBe(3);
    expect(unreadText(s)).toBe("2 new messages");
  });

  it("the first join places it when the page did not; a re-join keeps it", () => {
    const joined = (lastReadSeq: number): RoomAction => ({
      type: "joined",
      data: { room, you, group: { slug: "g", name: "G" }, messages: [], hasMore: false, hasOlder: false, presence: { roomId: room.id, people: [], count: 0 }, lastReadSeq },
    });
    const s = run(start([msg(1), msg(2), msg(3)]), joined(1));
    expect(firstUnread(s)).toBe(2);
    expect(run(s, joined(3)).dividerAfter).toBe(1);
    expect(unreadText(run(start([msg(1)]), joined(0)))).toBe("1 new message");
  });

  it("reports the newest message as readable only while the reader is viewing", () => {
    const s = opened(0, [msg(1), msg(2)]);
    expect(readableSeq(s)).toBeNull();
    expect(readableSeq(run(s, { type: "viewing", value: true }))).toBe(2);
  });
});

describe("room state: edits and pages around a message", () => {
  const edited = (seq: number, body: string): RoomAction => ({ type: "edited", event: { roomId: room.id, messageId: `m-${seq}`, seq, body, editedAt: "2026-01-02T00:00:00.000Z" } });
  const page = (from: number, to: number, more: { hasOlder?: boolean; hasMore?: boolean } = {}) => ({
    messages: Array.from({ length: to - from + 1 }, (_, i) => msg(from + i)),
    hasOlder: more.hasOlder ?? false,
    hasMore: more.hasMore ?? false,
  });

  it("an edit replaces the body and marks it edited, in the list, the pin and the quotes of replies to it", () => {
    const reply = { ...msg(3), replyTo: { id: "m-1", seq: 1, authorName: other.displayName, excerpt: "message 1", deleted: false } };
    const s = run({ ...start([msg(1), msg(2), reply]), room: { ...room, pinned: msg(1) } }, edited(1, "new words"));
    expect(s.messages[0]).toMatchObject({ body: "new words", editedAt: "2026-01-02T00:00:00.000Z" });
    expect(s.messages[1]).toEqual(msg(2));
    expect(s.messages[2]!.replyTo).toMatchObject({ excerpt: "new words" });
    expect(s.room.pinned).toMatchObject({ body: "new words" });
    // An edit of a message not held changes nothing.
    expect(run(s, edited(9, "elsewhere")).messages).toEqual(s.messages);
  });

  it("an author's delete says so, and the quotes of replies to it lose their words", () => {
    const reply = { ...msg(2), replyTo: { id: "m-1", seq: 1, authorName: other.displayName, excerpt: "message 1", deleted: false } };
    const s = run(start([msg(1), reply]), { type: "deleted", messageId: "m-1", at: "2026-01-02T00:00:00.000Z", byAuthor: true });
    expect(s.messages[0]).toMatchObject({ body: "", deleted: { byAuthor: true } });
    expect(s.messages[1]!.replyTo).toMatchObject({ excerpt: "", deleted: true });
  });

  it("a page around a message replaces the list; its top is the cursor; live messages beyond it wait (no gap shown)", () => {
    let s = run(start([msg(100), msg(101)]), { type: "around", page: page(36, 85, { hasOlder: true, hasMore: true }) });
    expect(seqs(s)).toEqual(Array.from({ length: 50 }, (_, i) => 36 + i));
    expect(s).toMatchObject({ hasOlder: true, hasNewer: true, lastSeq: 85 });
    // A live message far beyond the page is not shown (it would sit after a gap); the cursor stays.
    s = run(s, merge([msg(102)]));
    expect(seqs(s).at(-1)).toBe(85);
    expect(s.lastSeq).toBe(85);
    // Load newer: the next page joins on without a gap; at the end the list is live again.
    s = run(s, { type: "newer", page: page(86, 101, { hasOlder: true, hasMore: false }), selfId: self.id });
    expect(s).toMatchObject({ hasNewer: false, lastSeq: 101 });
    s = run(s, merge([msg(102)]));
    expect(s.lastSeq).toBe(102);
  });

  it("Load newer with more to come stays detached; the latest page (hasMore false) is live again", () => {
    let s = run(start(), { type: "around", page: page(1, 26, { hasMore: true }) });
    expect(s).toMatchObject({ hasOlder: false, hasNewer: true, lastSeq: 26 });
    s = run(s, { type: "newer", page: page(27, 30, { hasMore: true }), selfId: self.id });
    expect(s).toMatchObject({ hasNewer: true, lastSeq: 30 });
    s = run(s, { type: "around", page: page(200, 249, { hasOlder: true, hasMore: false }) });
    expect(s).toMatchObject({ hasNewer: false, lastSeq: 249, hasOlder: true });
    expect(seqs(s)[0]).toBe(200);
  });

  it("a page rendered around a message (?at=) starts detached", () => {
    const s = initialRoomState({ room, you, messages: page(10, 20).messages, hasOlder: true, hasNewer: true });
    expect(s).toMatchObject({ hasNewer: true, lastSeq: 20 });
    expect(seqs(run(s, merge([msg(40)])))).toEqual(seqs(s));
  });

  it("a message next to the page's top is still taken while detached (it extends the page without a gap)", () => {
    const s = run(start(), { type: "around", page: page(1, 10, { hasMore: true }) }, merge([msg(11)]));
    expect(s.lastSeq).toBe(11);
  });
});
