import { describe, expect, it } from "vitest";
import { assertCan, can, CONFIRM_EMAIL_FIRST, unverifiedMayNot, type EventTarget, type GroupTarget, type RoomTarget, type ThreadTarget } from "#app/policy.server";
import { matrixRoles, situation } from "./policy-roles";

/**
 * Members who have not confirmed their address read and join, but starting threads, replying,
 * chatting and RSVPs wait: for every role, an unconfirmed actor may do exactly what a confirmed one
 * may, minus those four, and the refusal says what to do.
 */
const group = (s: ReturnType<typeof situation>): GroupTarget => ({ visibility: "public", joinPolicy: "open", forumPublic: true, membership: s.membership, orgRole: s.orgRole });
const targets = (s: ReturnType<typeof situation>) => {
  const g = group(s);
  const thread: ThreadTarget = { ...g, thread: { locked: false, deleted: false, membersOnly: false } };
  const room: RoomTarget = { ...g, room: { locked: false, archived: false }, sanction: null };
  const event: EventTarget = { kind: "event", orgRole: s.orgRole, group: g, event: { cancelled: false, closed: false }, rsvp: null };
  return { g, thread, room, event };
};

describe("the e-mail verification gate", () => {
  it("gates exactly threads, replies, chat (sending, editing, starting a direct conversation) and RSVPs", () => {
    expect([...unverifiedMayNot].sort()).toEqual(["chat.editOwn", "chat.send", "dm.start", "event.rsvp", "forum.createThread", "forum.reply"]);
  });

  for (const role of matrixRoles) {
    it(`${role}: unconfirmed may read, join, react and report as before, but not write or RSVP`, () => {
      const s = situation(role);
      if (!s.actor) return;
      const confirmed = { ...s.actor, emailVerified: true };
      const unconfirmed = { ...s.actor, emailVerified: false };
      const { g, thread, room, event } = targets(s);
      const asked = [
        ["group.view", g],
        ["group.join", g],
        ["forum.read", g],
        ["chat.read", room],
        ["event.view", event],
        ["forum.createThread", g],
        ["forum.reply", thread],
        ["chat.send", room],
        ["event.rsvp", event],
      ] as const;
      for (const [action, target] of asked) {
        const before = can(confirmed, action, target as never);
        const after = can(unconfirmed, action, target as never);
        expect(after, `${role} ${action}`).toBe(unverifiedMayNot.has(action) ? false : before);
        if (before && unverifiedMayNot.has(action)) {
          expect(() => assertCan(unconfirmed, action, target as never), `${role} ${action}`).toThrow(CONFIRM_EMAIL_FIRST);
        }
      }
    });
  }

  it("a group member who may post is told to confirm; one who may not anyway keeps the usual reason", () => {
    const member = situation("group member");
    const outsider = situation("signed-in member");
    expect(() => assertCan({ ...member.actor!, emailVerified: false }, "forum.createThread", group(member))).toThrow(CONFIRM_EMAIL_FIRST);
    expect(() => assertCan({ ...outsider.actor!, emailVerified: false }, "forum.createThread", group(outsider))).toThrow(/Join the group first/);
  });
});
