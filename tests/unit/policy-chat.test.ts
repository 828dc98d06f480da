import { describe, expect, it } from "vitest";
import { isDomainError } from "#app/lib/errors";
import { actions, assertCan, can, type Action, type Actor, type ChatMessageTarget, type GroupTarget, type RoomTarget } from "#app/policy.server";

/**
 * The chat permission matrix, written out by hand: every chat action × role × (group visibility,
 * room state). Each string is six letters, Y = allowed:
 *   [public+open room, public+locked, public+archived, private+open room, private+locked, private+archived]
 */
type Role =
  | "visitor"
  | "suspended member"
  | "signed-in outsider"
  | "pending requester"
  | "banned from group"
  | "group member"
  | "group-muted member"
  | "room-muted member"
  | "room-banned member"
  | "group moderator"
  | "org moderator"
  | "org admin"
  | "org owner"
  | "site admin";

type ChatAction = Extract<Action, `chat.${string}`>;
const expected: Record<ChatAction, Record<Role, string>> = {
  "chat.read": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "YYNYYN", "group-muted member": "YYNYYN", "room-muted member": "YYNYYN",
    "room-banned member": "NNNNNN", "group moderator": "YYYYYY", "org moderator": "YYYYYY", "org admin": "YYYYYY",
    "org owner": "YYYYYY", "site admin": "YYYYYY",
  },
  "chat.send": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "YNNYNN", "group-muted member": "NNNNNN", "room-muted member": "NNNNNN",
    "room-banned member": "NNNNNN", "group moderator": "YYNYYN", "org moderator": "YYNYYN", "org admin": "YYNYYN",
    "org owner": "YYNYYN", "site admin": "YYNYYN",
  },
  "chat.report": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "YYNYYN", "group-muted member": "YYNYYN", "room-muted member": "YYNYYN",
    "room-banned member": "NNNNNN", "group moderator": "YYYYYY", "org moderator": "YYYYYY", "org admin": "YYYYYY",
    "org owner": "YYYYYY", "site admin": "YYYYYY",
  },
  "chat.moderate": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "NNNNNN", "group-muted member": "NNNNNN", "room-muted member": "NNNNNN",
    "room-banned member": "NNNNNN", "group moderator": "YYYYYY", "org moderator": "YYYYYY", "org admin": "YYYYYY",
    "org owner": "YYYYYY", "site admin": "YYYYYY",
  },
  /** On the actor's own message: exactly who may send there. */
  "chat.editOwn": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "YNNYNN", "group-muted member": "NNNNNN", "room-muted member": "NNNNNN",
    "room-banned member": "NNNNNN", "group moderator": "YYNYYN", "org moderator": "YYNYYN", "org admin": "YYNYYN",
    "org owner": "YYNYYN", "site admin": "YYNYYN",
  },
  /** On the actor's own message: exactly who may read there. */
  "chat.deleteOwn": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "YYNYYN", "group-muted member": "YYNYYN", "room-muted member": "YYNYYN",
    "room-banned member": "NNNNNN", "group moderator": "YYYYYY", "org moderator": "YYYYYY", "org admin": "YYYYYY",
    "org owner": "YYYYYY", "site admin": "YYYYYY",
  },
  /** On someone else's message. */
  "chat.react": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "YNNYNN", "group-muted member": "NNNNNN", "room-muted member": "NNNNNN",
    "room-banned member": "NNNNNN", "group moderator": "YYNYYN", "org moderator": "YYNYYN", "org admin": "YYNYYN",
    "org owner": "YYNYYN", "site admin": "YYNYYN",
  },
  "chat.viewVersions": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "NNNNNN", "group-muted member": "NNNNNN", "room-muted member": "NNNNNN",
    "room-banned member": "NNNNNN", "group moderator": "YYYYYY", "org moderator": "YYYYYY", "org admin": "YYYYYY",
    "org owner": "YYYYYY", "site admin": "YYYYYY",
  },
  "chat.moveToForum": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "NNNNNN", "group-muted member": "NNNNNN", "room-muted member": "NNNNNN",
    "room-banned member": "NNNNNN", "group moderator": "YYYYYY", "org moderator": "YYYYYY", "org admin": "YYYYYY",
    "org owner": "YYYYYY", "site admin": "YYYYYY",
  },
  "chat.setRetention": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "NNNNNN", "group-muted member": "NNNNNN", "room-muted member": "NNNNNN",
    "room-banned member": "NNNNNN", "group moderator": "NNNNNN", "org moderator": "NNNNNN", "org admin": "YYYYYY",
    "org owner": "YYYYYY", "site admin": "YYYYYY",
  },
  "chat.manageRooms": {
    visitor: "NNNNNN", "suspended member": "NNNNNN", "signed-in outsider": "NNNNNN", "pending requester": "NNNNNN",
    "banned from group": "NNNNNN", "group member": "NNNNNN", "group-muted member": "NNNNNN", "room-muted member": "NNNNNN",
    "room-banned member": "NNNNNN", "group moderator": "YYYYYY", "org moderator": "YYYYYY", "org admin": "YYYYYY",
    "org owner": "YYYYYY", "site admin": "YYYYYY",
  },
};

const user = (over: Partial<Actor> = {}): Actor => ({ id: "u1", siteRole: "member", status: "active", ...over });
const inAnHour = () => new Date(Date.now() + 3600_000);
const member = { role: "member" as const, status: "active" as const };

type Situation = { actor: Actor | null; membership: GroupTarget["membership"]; orgRole: GroupTarget["orgRole"]; sanction: RoomTarget["sanction"] };
function situation(role: Role): Situation {
  const base = { actor: user(), membership: null, orgRole: null, sanction: null } satisfies Situation;
  switch (role) {
    case "visitor": return { ...base, actor: null };
    case "suspended member": return { ...base, actor: user({ status: "suspended" }), membership: member };
    case "signed-in outsider": return base;
    case "pending requester": return { ...base, membership: { role: "member", status: "pending" } };
    case "banned from group": return { ...base, membership: { role: "member", status: "banned" } };
    case "group member": return { ...base, membership: member };
    case "group-muted member": return { ...base, membership: { ...member, mutedUntil: inAnHour() } };
    case "room-muted member": return { ...base, membership: member, sanction: { mutedUntil: inAnHour(), banned: false } };
    case "room-banned member": return { ...base, membership: member, sanction: { mutedUntil: null, banned: true } };
    case "group moderator": return { ...base, membership: { role: "moderator", status: "active" } };
    case "org moderator": return { ...base, orgRole: "moderator" };
    case "org admin": return { ...base, orgRole: "admin" };
    case "org owner": return { ...base, orgRole: "owner" };
    case "site admin": return { ...base, actor: user({ siteRole: "admin" }) };
  }
}

const columns = [
  ["public", { locked: false, archived: false }],
  ["public", { locked: true, archived: false }],
  ["public", { locked: false, archived: true }],
  ["private", { locked: false, archived: false }],
  ["private", { locked: true, archived: false }],
  ["private", { locked: false, archived: true }],
] as const;

/** The room, and (for chat.report) a message someone else wrote in it. */
function targetFor(s: Situation, visibility: "public" | "private", room: { locked: boolean; archived: boolean }, authorId = "someone-else"): ChatMessageTarget {
  return {
    visibility,
    joinPolicy: visibility === "public" ? "open" : "approval",
    membership: s.membership,
    orgRole: s.orgRole,
    forumPublic: true,
    room: { ...room },
    sanction: s.sanction,
    message: { authorId },
  };
}

/** Actions on one's own message: the matrix asks them with the actor as the author. */
const ownActions = new Set<ChatAction>(["chat.editOwn", "chat.deleteOwn"]);

describe("chat policy matrix", () => {
  const chatActions = actions.filter((a): a is ChatAction => a.startsWith("chat."));
  it("covers every chat action the policy defines", () => {
    expect(Object.keys(expected).sort()).toEqual([...chatActions].sort());
  });

  for (const action of chatActions) {
    for (const role of Object.keys(expected[action]) as Role[]) {
      it(`${action} for ${role}`, () => {
        const s = situation(role);
        const author = ownActions.has(action) ? (s.actor?.id ?? "u1") : "someone-else";
        const got = columns.map(([visibility, room]) => (can(s.actor, action, targetFor(s, visibility, room, author)) ? "Y" : "N")).join("");
        expect(got).toBe(expected[action][role]);
      });
    }
  }

  it("nobody may report their own chat message, whatever their role", () => {
    for (const role of Object.keys(expected["chat.report"]) as Role[]) {
      const s = situation(role);
      const own = columns.map(([visibility, room]) => (can(s.actor, "chat.report", targetFor(s, visibility, room, s.actor?.id ?? "u1")) ? "Y" : "N")).join("");
      expect(own, role).toBe("NNNNNN");
    }
  });

  it("nobody may edit or delete someone else's message, or a deleted one, or react to a deleted one", () => {
    for (const role of Object.keys(expected["chat.editOwn"]) as Role[]) {
      const s = situation(role);
      for (const [visibility, room] of columns) {
        const other = targetFor(s, visibility, room);
        expect(can(s.actor, "chat.editOwn", other) || can(s.actor, "chat.deleteOwn", other), role).toBe(false);
        const deletedOwn = { ...targetFor(s, visibility, room, s.actor?.id ?? "u1"), message: { authorId: s.actor?.id ?? "u1", deleted: true } };
        expect(can(s.actor, "chat.editOwn", deletedOwn) || can(s.actor, "chat.deleteOwn", deletedOwn), role).toBe(false);
        expect(can(s.actor, "chat.react", { ...other, message: { authorId: "someone-else", deleted: true } }), role).toBe(false);
      }
    }
  });

  it("a room mute that has run out no longer blocks sending", () => {
    const s: Situation = { ...situation("group member"), sanction: { mutedUntil: new Date(Date.now() - 1000), banned: false } };
    expect(can(s.actor, "chat.send", targetFor(s, "public", { locked: false, archived: false }))).toBe(true);
  });
});

describe("chat assertCan answers", () => {
  const open = { locked: false, archived: false };
  const answer = (role: Role, action: ChatAction, visibility: "public" | "private", room = open) => {
    const s = situation(role);
    try {
      assertCan(s.actor, action, targetFor(s, visibility, room), "That room");
      return "allowed";
    } catch (e) {
      return isDomainError(e) ? `${e.code}: ${e.message}` : "other";
    }
  };

  it("private rooms are not found for everyone outside, for every chat action", () => {
    for (const action of ["chat.read", "chat.send", "chat.report", "chat.moderate", "chat.manageRooms"] as const) {
      for (const role of ["visitor", "signed-in outsider", "pending requester", "banned from group", "suspended member"] as const) {
        expect(answer(role, action, "private")).toBe("not_found: That room could not be found.");
      }
    }
  });

  it("public rooms say why", () => {
    expect(answer("visitor", "chat.read", "public")).toBe("unauthenticated: Please sign in first.");
    expect(answer("signed-in outsider", "chat.read", "public")).toBe("forbidden: Only members of this group can chat here. Join the group first.");
    expect(answer("suspended member", "chat.send", "public")).toBe("forbidden: Your account is suspended.");
    expect(answer("room-muted member", "chat.send", "public")).toMatch(/^forbidden: You are muted in this room until \d{4}-/);
    expect(answer("group-muted member", "chat.send", "public")).toMatch(/^forbidden: You are muted in this group until /);
    expect(answer("room-banned member", "chat.read", "private")).toBe("forbidden: You have been removed from this room by a moderator.");
    expect(answer("group member", "chat.send", "public", { locked: true, archived: false })).toBe("forbidden: This room is locked: it is read-only for now.");
    expect(answer("group member", "chat.read", "public", { locked: false, archived: true })).toBe("forbidden: This room is archived.");
    expect(answer("group moderator", "chat.send", "public", { locked: false, archived: true })).toBe("forbidden: This room is archived.");
    expect(answer("group member", "chat.moderate", "public")).toBe("forbidden: Only the group's moderators can do that.");
  });
});
