import { describe, expect, it } from "vitest";
import { isDomainError } from "#app/lib/errors";
import { actions, assertCan, can, type Action, type Actor, type EventTarget, type GroupTarget, type OrgRole } from "#app/policy.server";

/**
 * The event permission matrix, written out by hand. Each string walks the event's situations:
 *   [org-wide, public group, private group, private group + cancelled, public group + RSVPs closed]
 * Y = allowed. Roles include the actor's RSVP where it matters.
 */
type Role =
  | "visitor"
  | "suspended member"
  | "signed-in outsider"
  | "banned from group"
  | "group member"
  | "group member going"
  | "outsider going"
  | "outsider waitlisted"
  | "org moderator"
  | "org admin"
  | "org owner"
  | "site admin";

type EventAction = Exclude<Extract<Action, `event.${string}`>, "event.create">;

const expected: Record<EventAction, Record<Role, string>> = {
  "event.view": {
    visitor: "YYNNY", "suspended member": "YYNNY", "signed-in outsider": "YYNNY", "banned from group": "YYNNY",
    "group member": "YYYYY", "group member going": "YYYYY", "outsider going": "YYNNY", "outsider waitlisted": "YYNNY",
    "org moderator": "YYYYY", "org admin": "YYYYY", "org owner": "YYYYY", "site admin": "YYYYY",
  },
  "event.edit": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "NNNNN", "banned from group": "NNNNN",
    "group member": "NNNNN", "group member going": "NNNNN", "outsider going": "NNNNN", "outsider waitlisted": "NNNNN",
    "org moderator": "YYYNY", "org admin": "YYYNY", "org owner": "YYYNY", "site admin": "NNNNN",
  },
  "event.cancel": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "NNNNN", "banned from group": "NNNNN",
    "group member": "NNNNN", "group member going": "NNNNN", "outsider going": "NNNNN", "outsider waitlisted": "NNNNN",
    "org moderator": "YYYNY", "org admin": "YYYNY", "org owner": "YYYNY", "site admin": "NNNNN",
  },
  "event.rsvp": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "YYNNN", "banned from group": "YNNNN",
    "group member": "YYYNN", "group member going": "NNNNN", "outsider going": "NNNNN", "outsider waitlisted": "NNNNN",
    "org moderator": "YYYNN", "org admin": "YYYNN", "org owner": "YYYNN", "site admin": "YYYNN",
  },
  "event.cancelRsvp": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "NNNNN", "banned from group": "NNNNN",
    "group member": "NNNNN", "group member going": "YYYNY", "outsider going": "YYNNY", "outsider waitlisted": "YYNNY",
    "org moderator": "NNNNN", "org admin": "NNNNN", "org owner": "NNNNN", "site admin": "NNNNN",
  },
  "event.keepRsvp": {
    visitor: "NNNNN", "suspended member": "YYNNY", "signed-in outsider": "YYNNY", "banned from group": "YNNNN",
    "group member": "YYYYY", "group member going": "YYYYY", "outsider going": "YYNNY", "outsider waitlisted": "YYNNY",
    "org moderator": "YYYYY", "org admin": "YYYYY", "org owner": "YYYYY", "site admin": "YYYYY",
  },
  "event.viewAttendees": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "NNNNN", "banned from group": "NNNNN",
    "group member": "NNNNN", "group member going": "NNNNN", "outsider going": "NNNNN", "outsider waitlisted": "NNNNN",
    "org moderator": "YYYYY", "org admin": "YYYYY", "org owner": "YYYYY", "site admin": "NNNNN",
  },
  "event.respond": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "YYNNN", "banned from group": "YNNNN",
    "group member": "YYYNN", "group member going": "YYYNN", "outsider going": "YYNNN", "outsider waitlisted": "YYNNN",
    "org moderator": "YYYNN", "org admin": "YYYNN", "org owner": "YYYNN", "site admin": "YYYNN",
  },
  "event.message": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "NNNNN", "banned from group": "NNNNN",
    "group member": "NNNNN", "group member going": "NNNNN", "outsider going": "NNNNN", "outsider waitlisted": "NNNNN",
    "org moderator": "YYYNY", "org admin": "YYYNY", "org owner": "YYYNY", "site admin": "NNNNN",
  },
  "event.manageAttendees": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "NNNNN", "banned from group": "NNNNN",
    "group member": "NNNNN", "group member going": "NNNNN", "outsider going": "NNNNN", "outsider waitlisted": "NNNNN",
    "org moderator": "YYYNY", "org admin": "YYYNY", "org owner": "YYYNY", "site admin": "NNNNN",
  },
  "event.openDiscussion": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "NNNNN", "banned from group": "NNNNN",
    "group member": "NNNNN", "group member going": "NNNNN", "outsider going": "NNNNN", "outsider waitlisted": "NNNNN",
    "org moderator": "NYYNY", "org admin": "NYYNY", "org owner": "NYYNY", "site admin": "NNNNN",
  },
  "event.viewOnlineLink": {
    visitor: "NNNNN", "suspended member": "NNNNN", "signed-in outsider": "NNNNN", "banned from group": "NNNNN",
    "group member": "NNNNN", "group member going": "YYYYY", "outsider going": "YYNNY", "outsider waitlisted": "NNNNN",
    "org moderator": "YYYYY", "org admin": "YYYYY", "org owner": "YYYYY", "site admin": "NNNNN",
  },
};

const user = (over: Partial<Actor> = {}): Actor => ({ id: "u1", siteRole: "member", status: "active", ...over });

interface Situation {
  actor: Actor | null;
  membership: GroupTarget["membership"];
  orgRole: OrgRole | null;
  rsvp: EventTarget["rsvp"];
}

function situation(role: Role): Situation {
  const none = { membership: null, orgRole: null, rsvp: null } as const;
  const member = { role: "member", status: "active" } as const;
  switch (role) {
    case "visitor": return { actor: null, ...none };
    case "suspended member": return { actor: user({ status: "suspended" }), ...none, membership: member, rsvp: "going" };
    case "signed-in outsider": return { actor: user(), ...none };
    case "banned from group": return { actor: user(), ...none, membership: { role: "member", status: "banned" } };
    case "group member": return { actor: user(), ...none, membership: member };
    case "group member going": return { actor: user(), ...none, membership: member, rsvp: "going" };
    case "outsider going": return { actor: user(), ...none, rsvp: "going" };
    case "outsider waitlisted": return { actor: user(), ...none, rsvp: "waitlisted" };
    case "org moderator": return { actor: user(), ...none, orgRole: "moderator" };
    case "org admin": return { actor: user(), ...none, orgRole: "admin" };
    case "org owner": return { actor: user(), ...none, orgRole: "owner" };
    case "site admin": return { actor: user({ siteRole: "admin" }), ...none };
  }
}

function targets(s: Situation): EventTarget[] {
  const group = (visibility: "public" | "private"): GroupTarget => ({ visibility, joinPolicy: "approval", forumPublic: true, membership: s.membership, orgRole: s.orgRole });
  const base = { kind: "event" as const, orgRole: s.orgRole, rsvp: s.rsvp };
  const open = { cancelled: false, closed: false };
  return [
    // An org-wide event has no group, so group bans don't reach it.
    { ...base, group: null, event: open },
    { ...base, group: group("public"), event: open },
    { ...base, group: group("private"), event: open },
    { ...base, group: group("private"), event: { cancelled: true, closed: false } },
    { ...base, group: group("public"), event: { cancelled: false, closed: true } },
  ];
}

describe("event policy matrix", () => {
  const eventActions = actions.filter((a): a is EventAction => a.startsWith("event.") && a !== "event.create");
  it("covers every event action the policy defines", () => {
    expect([...Object.keys(expected), "event.create"].sort()).toEqual(actions.filter((a) => a.startsWith("event.")).sort());
  });

  for (const action of eventActions) {
    for (const role of Object.keys(expected[action]) as Role[]) {
      it(`${action} for ${role}`, () => {
        const s = situation(role);
        const got = targets(s).map((t) => (can(s.actor, action, t) ? "Y" : "N")).join("");
        expect(got).toBe(expected[action][role]);
      });
    }
  }

  it("event.create: the organization's owner, admins and moderators; nobody else", () => {
    const rows: [Actor | null, OrgRole | null, boolean][] = [
      [null, null, false],
      [null, "owner", false],
      [user({ status: "suspended" }), "owner", false],
      [user(), null, false],
      [user({ siteRole: "admin" }), null, false],
      [user(), "moderator", true],
      [user(), "admin", true],
      [user(), "owner", true],
    ];
    for (const [actor, orgRole, allowed] of rows) expect(can(actor, "event.create", { orgRole })).toBe(allowed);
  });
});

describe("assertCan on events", () => {
  const codeOf = (fn: () => void) => {
    try {
      fn();
      return "allowed";
    } catch (e) {
      return isDomainError(e) ? `${e.code}` : "other";
    }
  };
  const privateEvent: EventTarget = {
    kind: "event",
    orgRole: null,
    group: { visibility: "private", joinPolicy: "approval", forumPublic: true, membership: null, orgRole: null },
    event: { cancelled: false, closed: false },
    rsvp: null,
  };
  const publicEvent: EventTarget = { ...privateEvent, group: null };

  it("answers 404 for private groups' events, whatever is asked", () => {
    for (const action of ["event.view", "event.rsvp", "event.viewAttendees", "event.viewOnlineLink", "event.edit"] as const) {
      expect(codeOf(() => assertCan(user(), action, privateEvent, "That event"))).toBe("not_found");
      expect(codeOf(() => assertCan(null, action, privateEvent, "That event"))).toBe("not_found");
    }
  });

  it("asks visitors to sign in, and tells members why they can't", () => {
    expect(codeOf(() => assertCan(null, "event.rsvp", publicEvent))).toBe("unauthenticated");
    expect(codeOf(() => assertCan(user(), "event.viewAttendees", publicEvent))).toBe("forbidden");
    expect(codeOf(() => assertCan(user(), "event.create", { orgRole: null }))).toBe("forbidden");
    try {
      assertCan(user(), "event.rsvp", { ...publicEvent, event: { cancelled: false, closed: true } });
    } catch (e) {
      expect((e as Error).message).toBe("RSVPs for this event are closed.");
    }
  });
});
