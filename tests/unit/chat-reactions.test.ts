import { describe, expect, it } from "vitest";
import { reactionWho, shownReaction } from "#app/components/chat/reaction-text";
import type { ChatMessage, ChatReactionChanged, ChatRoomState, ChatYou } from "#app/realtime/events";
import { initialRoomState, roomReducer, type RoomAction, type RoomState } from "#app/realtime/room-state";

/** Chat reactions in the browser: the room reducer's `reaction` case and merge, and the button's words. */

const self = { id: "u-self", displayName: "Sam" };
const other = { id: "u-other", displayName: "Olu" };
const room = { id: "r1", name: "General", locked: false, archived: false, slowModeSeconds: 0, pinned: null } as unknown as ChatRoomState;
const you: ChatYou = { canSend: true, sendBlockedReason: null, mutedUntil: null, canModerate: false };

function msg(seq: number, reactions: ChatMessage["reactions"] = []): ChatMessage {
  return {
    id: `m-${seq}`,
    roomId: room.id,
    seq,
    author: { ...other, staff: null },
    body: `message ${seq}`,
    clientId: `c-${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, seq)).toISOString(),
    kind: "text",
    editedAt: null,
    deleted: null,
    replyTo: null,
    reactions,
    voice: null,
    system: null,
    movedTo: null,
  };
}

const start = (messages: ChatMessage[]) => initialRoomState({ room, you, messages, hasOlder: false });
const run = (state: RoomState, ...actions: RoomAction[]) => actions.reduce(roomReducer, state);
const event = (e: Partial<ChatReactionChanged>): ChatReactionChanged => ({ roomId: room.id, messageId: "m-1", kind: "hug", count: 1, userId: other.id, reacted: true, ...e });
const reaction = (e: Partial<ChatReactionChanged>, ack = false): RoomAction => ({ type: "reaction", event: event(e), selfId: self.id, ...(ack ? { ack } : {}) });
const reactionsOf = (s: RoomState, id = "m-1") => s.messages.find((m) => m.id === id)!.reactions;

describe("room state: reactions", () => {
  it("someone else's reaction sets the count and leaves the reader's `mine` alone", () => {
    const s = run(start([msg(1, [{ kind: "hug", count: 1, mine: true }]), msg(2)]), reaction({ count: 2 }));
    expect(reactionsOf(s)).toEqual([{ kind: "hug", count: 2, mine: true }]);
    expect(reactionsOf(s, "m-2")).toEqual([]);
    const off = run(start([msg(1)]), reaction({ count: 1 }));
    expect(reactionsOf(off)).toEqual([{ kind: "hug", count: 1, mine: false }]);
  });

  it("the reader's own reaction (from another tab too) sets `mine`; taking it back clears it", () => {
    let s = run(start([msg(1)]), reaction({ userId: self.id, count: 1 }));
    expect(reactionsOf(s)).toEqual([{ kind: "hug", count: 1, mine: true }]);
    s = run(s, reaction({ userId: self.id, count: 0, reacted: false }));
    expect(reactionsOf(s)).toEqual([]);
  });

  it("a count of 0 drops the kind; kinds stay in display order (Hug, Same here, Helpful)", () => {
    let s = run(start([msg(1)]), reaction({ kind: "helpful", count: 1 }), reaction({ kind: "hug", count: 3 }), reaction({ kind: "same_here", count: 2 }));
    expect(reactionsOf(s).map((r) => r.kind)).toEqual(["hug", "same_here", "helpful"]);
    s = run(s, reaction({ kind: "same_here", count: 0, reacted: false }));
    expect(reactionsOf(s)).toEqual([
      { kind: "hug", count: 3, mine: false },
      { kind: "helpful", count: 1, mine: false },
    ]);
  });

  it("another person's removal keeps the reader's `mine` while the count is above 0", () => {
    const s = run(start([msg(1, [{ kind: "hug", count: 2, mine: true }])]), reaction({ count: 1, reacted: false }));
    expect(reactionsOf(s)).toEqual([{ kind: "hug", count: 1, mine: true }]);
  });

  it("the reader's ack after its broadcast keeps the (possibly newer) count the room already showed", () => {
    // Own broadcast (count 1), then someone else's (count 2), then the own ack (count 1): 2 stays.
    const s = run(start([msg(1)]), reaction({ userId: self.id, count: 1 }), reaction({ count: 2 }), reaction({ userId: self.id, count: 1 }, true));
    expect(reactionsOf(s)).toEqual([{ kind: "hug", count: 2, mine: true }]);
    // An ack before its broadcast (or with none: nothing changed on the server) is applied.
    const first = run(start([msg(1)]), reaction({ userId: self.id, count: 4 }, true));
    expect(reactionsOf(first)).toEqual([{ kind: "hug", count: 4, mine: true }]);
  });

  it("a message held again (message:new carries mine=false) keeps the reader's own reactions and takes the new counts", () => {
    const held = start([msg(1, [{ kind: "hug", count: 1, mine: true }, { kind: "helpful", count: 1, mine: false }])]);
    const s = run(held, { type: "merge", messages: [msg(1, [{ kind: "hug", count: 2, mine: false }, { kind: "helpful", count: 1, mine: false }])], selfId: self.id, announce: true });
    expect(reactionsOf(s)).toEqual([
      { kind: "hug", count: 2, mine: true },
      { kind: "helpful", count: 1, mine: false },
    ]);
    // A message arriving for the first time keeps what it carries.
    const fresh = run(start([]), { type: "merge", messages: [msg(1, [{ kind: "hug", count: 1, mine: true }])], selfId: self.id, announce: false });
    expect(reactionsOf(fresh)).toEqual([{ kind: "hug", count: 1, mine: true }]);
  });

  it("a deleted message takes no reactions; the pinned copy follows the count", () => {
    const pinned = msg(1, [{ kind: "hug", count: 1, mine: false }]);
    let s = start([pinned, msg(2)]);
    s = { ...s, room: { ...s.room, pinned } };
    s = run(s, reaction({ count: 2 }));
    expect(s.room.pinned!.reactions).toEqual([{ kind: "hug", count: 2, mine: false }]);
    s = run(s, { type: "deleted", messageId: "m-2", at: new Date().toISOString() }, reaction({ messageId: "m-2", count: 1 }));
    expect(reactionsOf(s, "m-2")).toEqual([]);
  });

  it("an event for a message not held changes nothing", () => {
    const s0 = start([msg(1)]);
    const s = run(s0, reaction({ messageId: "m-9" }));
    expect(s.messages).toEqual(s0.messages);
  });
});

describe("reaction button words and optimistic state", () => {
  it("says who reacted, for a screen reader", () => {
    expect(reactionWho(0, false)).toBe("no one yet");
    expect(reactionWho(1, false)).toBe("1 person");
    expect(reactionWho(3, false)).toBe("3 people");
    expect(reactionWho(1, true)).toBe("you");
    expect(reactionWho(2, true)).toBe("you and 1 other");
    expect(reactionWho(3, true)).toBe("you and 2 others");
  });

  it("shows the reader's change at once, and the server's state when nothing is pending (the rollback)", () => {
    const server = { count: 2, mine: false };
    expect(shownReaction(server, true)).toEqual({ count: 3, mine: true });
    expect(shownReaction({ count: 3, mine: true }, false)).toEqual({ count: 2, mine: false });
    expect(shownReaction(server, null)).toEqual(server);
    // The server already agrees (its broadcast came first): nothing is added twice.
    expect(shownReaction({ count: 3, mine: true }, true)).toEqual({ count: 3, mine: true });
    expect(shownReaction({ count: 0, mine: true }, false)).toEqual({ count: 0, mine: false });
  });
});
