import { describe, expect, it } from "vitest";
import { isDomainError } from "#app/lib/errors";
import { actions, assertCan, can, type Action, type Actor, type ChatMessageTarget, type DirectRoomTarget, type DirectStartTarget } from "#app/policy.server";

/**
 * Direct conversations, written out by hand: who may start one (dm.start) and what each person may
 * do inside one (the chat.* rules on a DirectRoomTarget). Nobody moderates a direct conversation:
 * site admins and organization staff are outsiders like anyone else, and are told it doesn't exist.
 */

const ME = "u-me";
const THEM = "u-them";
const member: Actor = { id: ME, siteRole: "member", status: "active", emailVerified: true };
const unverified: Actor = { ...member, emailVerified: false };
const suspended: Actor = { ...member, status: "suspended" };
const siteAdmin: Actor = { ...member, siteRole: "admin" };
const self: Actor = { ...member, id: THEM };

function denial(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return e.code;
    throw e;
  }
  return "allowed";
}

// ── dm.start ───────────────────────────────────────────────────────────────────────────────────
/**
 * 24 letters per actor, Y = allowed, in this order: recipient's policy (nobody, groups, anyone) ×
 * sharesGroup (no, yes) × blocked either way (no, yes) × recipient active (no, yes).
 */
const POLICIES = ["nobody", "groups", "anyone"] as const;
function startTargets(): DirectStartTarget[] {
  const out: DirectStartTarget[] = [];
  for (const dmPolicy of POLICIES)
    for (const sharesGroup of [false, true])
      for (const blocked of [false, true])
        for (const recipientActive of [false, true]) out.push({ kind: "dm-start", userId: THEM, dmPolicy, sharesGroup, blocked, recipientActive });
  return out;
}
const NONE = "NNNNNNNN".repeat(3);
const startExpected: [string, Actor | null, string][] = [
  ["visitor", null, NONE],
  ["member", member, "NNNNNNNN" + "NNNNNYNN" + "NYNNNYNN"],
  ["site admin (no override: their choice holds for everyone)", siteAdmin, "NNNNNNNN" + "NNNNNYNN" + "NYNNNYNN"],
  ["unverified member", unverified, NONE],
  ["suspended member", suspended, NONE],
  ["the recipient themself", self, NONE],
];

describe("policy: dm.start", () => {
  it("the dm. actions are exactly the ones this matrix walks", () => {
    expect(actions.filter((a) => a.startsWith("dm.")).sort()).toEqual(["dm.start"]);
  });

  it.each(startExpected)("%s", (_label, actor, expected) => {
    const got = startTargets()
      .map((t) => (can(actor, "dm.start", t) ? "Y" : "N"))
      .join("");
    expect(got).toBe(expected);
  });

  it("a refusal never says why (their choice, a block, no shared group, an inactive account read the same)", () => {
    const refusals = startTargets()
      .filter((t) => !can(member, "dm.start", t))
      .map((t) => {
        try {
          assertCan(member, "dm.start", t);
        } catch (e) {
          return isDomainError(e) ? `${e.code}: ${e.message}` : "thrown";
        }
        return "allowed";
      });
    expect(new Set(refusals)).toEqual(new Set(["forbidden: This person doesn't accept direct messages from you."]));
  });

  it("the actor's own standing is what a suspended or unconfirmed member is told", () => {
    const open: DirectStartTarget = { kind: "dm-start", userId: THEM, dmPolicy: "anyone", sharesGroup: true, blocked: false, recipientActive: true };
    expect(() => assertCan(suspended, "dm.start", open)).toThrow(/suspended/);
    expect(() => assertCan(unverified, "dm.start", open)).toThrow(/confirm/i);
    expect(denial(() => assertCan(null, "dm.start", open))).toBe("unauthenticated");
  });
});

// ── chat.* in a direct conversation ───────────────────────────────────────────────────────────
type DmRole = "participant" | "unverified participant" | "suspended participant" | "left" | "outsider" | "site admin" | "org staff" | "visitor";
const roles: Record<DmRole, { actor: Actor | null; participant: boolean }> = {
  participant: { actor: member, participant: true },
  "unverified participant": { actor: unverified, participant: true },
  "suspended participant": { actor: suspended, participant: true },
  // Someone who left and someone who was never in it look the same: no current member row.
  left: { actor: member, participant: false },
  outsider: { actor: { ...member, id: "u-outsider" }, participant: false },
  "site admin": { actor: { ...siteAdmin, id: "u-admin" }, participant: false },
  // Organization staff have no standing in a direct conversation (it has no group): an outsider.
  "org staff": { actor: { ...member, id: "u-staff" }, participant: false },
  visitor: { actor: null, participant: false },
};

/** Three letters per role: [open conversation, blocked 1:1, closed (archived)]. */
const STATES: Omit<DirectRoomTarget, "participant">[] = [
  { kind: "direct", room: { archived: false }, blocked: false },
  { kind: "direct", room: { archived: false }, blocked: true },
  { kind: "direct", room: { archived: true }, blocked: false },
];
type DmChatAction = "chat.read" | "chat.send" | "chat.report" | "chat.editOwn" | "chat.deleteOwn" | "chat.react" | "chat.viewVersions";
/** Which message the action is on: the actor's own (edit, delete their own) or another member's. */
const onOwn: Partial<Record<DmChatAction, boolean>> = { "chat.editOwn": true, "chat.deleteOwn": true, "chat.report": false, "chat.react": false };

const outsiders = { left: "NNN", outsider: "NNN", "site admin": "NNN", "org staff": "NNN", visitor: "NNN" } as const;
const dmExpected: Record<DmChatAction, Record<DmRole, string>> = {
  "chat.read": { participant: "YYY", "unverified participant": "YYY", "suspended participant": "NNN", ...outsiders },
  "chat.send": { participant: "YNN", "unverified participant": "NNN", "suspended participant": "NNN", ...outsiders },
  "chat.report": { participant: "YYY", "unverified participant": "YYY", "suspended participant": "NNN", ...outsiders },
  "chat.editOwn": { participant: "YNN", "unverified participant": "NNN", "suspended participant": "NNN", ...outsiders },
  "chat.deleteOwn": { participant: "YYY", "unverified participant": "YYY", "suspended participant": "NNN", ...outsiders },
  "chat.react": { participant: "YNN", "unverified participant": "YNN", "suspended participant": "NNN", ...outsiders },
  "chat.viewVersions": { participant: "NNN", "unverified participant": "NNN", "suspended participant": "NNN", ...outsiders },
};

function targetFor(action: DmChatAction, role: DmRole, state: (typeof STATES)[number]): DirectRoomTarget | ChatMessageTarget {
  const base: DirectRoomTarget = { ...state, participant: roles[role].participant };
  const own = onOwn[action];
  if (own === undefined) return base;
  const me = roles[role].actor?.id ?? "nobody";
  return { ...base, message: { authorId: own ? me : THEM, deleted: false, kind: "text" } };
}

describe("policy: chat actions in a direct conversation", () => {
  for (const action of Object.keys(dmExpected) as DmChatAction[]) {
    describe(action, () => {
      it.each(Object.keys(roles) as DmRole[])("%s", (role) => {
        const got = STATES.map((s) => (can(roles[role].actor, action as Action, targetFor(action, role, s) as never) ? "Y" : "N")).join("");
        expect(got).toBe(dmExpected[action][role]);
      });
    });
  }

  it("anyone who is not in the conversation is told it doesn't exist (404), whatever they are", () => {
    for (const action of Object.keys(dmExpected) as DmChatAction[]) {
      for (const role of ["left", "outsider", "site admin", "org staff", "visitor"] as DmRole[]) {
        for (const s of STATES) {
          const code = denial(() => assertCan(roles[role].actor, action as Action, targetFor(action, role, s) as never, "That conversation"));
          expect(code, `${action} · ${role}`).toBe("not_found");
        }
      }
    }
  });

  it("a participant is told why they can't send: a block, a closed conversation", () => {
    expect(() => assertCan(member, "chat.send", { ...STATES[1]!, participant: true })).toThrow(/blocked/);
    expect(() => assertCan(member, "chat.send", { ...STATES[2]!, participant: true })).toThrow(/closed/);
  });

  it("a participant may not edit, delete or react to a system line, nor edit or delete someone else's message", () => {
    const open = { ...STATES[0]!, participant: true };
    expect(can(member, "chat.editOwn", { ...open, message: { authorId: THEM } })).toBe(false);
    expect(can(member, "chat.deleteOwn", { ...open, message: { authorId: THEM } })).toBe(false);
    expect(can(member, "chat.react", { ...open, message: { authorId: THEM, kind: "system" } })).toBe(false);
    expect(can(member, "chat.report", { ...open, message: { authorId: ME } })).toBe(false);
  });
});
