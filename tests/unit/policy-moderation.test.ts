import { describe, expect, it } from "vitest";
import { isDomainError } from "#app/lib/errors";
import { actions, assertCan, can, type Action, type Actor, type GroupTarget, type MemberTarget, type NoticeTarget } from "#app/policy.server";
import { matrixRoles, situation, user, type MatrixRole } from "./policy-roles";

/** Moderation actions × every role × public/private group. Each string is [public, private], Y = allowed. */
type ModAction = Exclude<Extract<Action, `moderation.${string}` | `account.${string}` | `member.${string}`>, "moderation.appeal">;
const moderators = (): Record<MatrixRole, string> => ({
  visitor: "NN", "suspended member": "NN", "suspended org owner": "NN", "signed-in member": "NN", banned: "NN", "group member": "NN",
  "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
});
const siteAdmins = (): Record<MatrixRole, string> => ({
  visitor: "NN", "suspended member": "NN", "suspended org owner": "NN", "signed-in member": "NN", banned: "NN", "group member": "NN",
  "group moderator": "NN", "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "YY",
});
/** The group's insiders (active members, organization staff, site admins). */
const insiders = (): Record<MatrixRole, string> => ({
  visitor: "NN", "suspended member": "NN", "suspended org owner": "NN", "signed-in member": "NN", banned: "NN", "group member": "YY",
  "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
});
export const expected: Record<ModAction, Record<MatrixRole, string>> = {
  "member.report": insiders(),
  "moderation.viewQueue": moderators(),
  "moderation.dismiss": moderators(),
  "moderation.removeContent": moderators(),
  "moderation.warn": moderators(),
  "moderation.mute": moderators(),
  "moderation.ban": moderators(),
  "moderation.escalate": moderators(),
  "moderation.decideAppeal": moderators(),
  "moderation.reviewHeld": moderators(),
  "moderation.viewEscalated": siteAdmins(),
  "moderation.viewSiteAudit": siteAdmins(),
  "account.suspend": siteAdmins(),
};
export const coveredActions = [...Object.keys(expected), "moderation.appeal"] as Action[];

const ask = can as (a: Actor | null, act: Action, t: unknown) => boolean;

describe("moderation policy matrix", () => {
  it("covers every moderation and account action the policy defines", () => {
    expect([...coveredActions].sort()).toEqual(
      actions.filter((a) => a.startsWith("moderation.") || a.startsWith("account.") || a.startsWith("member.")).sort(),
    );
  });
  for (const action of Object.keys(expected) as ModAction[]) {
    for (const role of matrixRoles) {
      it(`${action} for ${role}`, () => {
        const s = situation(role);
        const got = (["public", "private"] as const)
          .map((visibility) => {
            const target: GroupTarget & { kind: "site"; member: { userId: string } } = {
              kind: "site", visibility, joinPolicy: "open", forumPublic: true, membership: s.membership, orgRole: s.orgRole, member: { userId: "someone-else" },
            };
            return ask(s.actor, action, target) ? "Y" : "N";
          })
          .join("");
        expect(got).toBe(expected[action][role]);
      });
    }
  }

  it("member.report: never oneself", () => {
    const me = user({ id: "me" });
    const t: MemberTarget = { visibility: "public", joinPolicy: "open", forumPublic: true, membership: { role: "member", status: "active" }, orgRole: null, member: { userId: "me" } };
    expect(can(me, "member.report", t)).toBe(false);
    expect(can(me, "member.report", { ...t, member: { userId: "other" } })).toBe(true);
  });

  it("moderation.appeal: only the person the decision concerned, once, and only appealable decisions", () => {
    const me = user();
    const notice = (over: Partial<NoticeTarget> = {}): NoticeTarget => ({ kind: "notice", subjectId: me.id, appealable: true, appealed: false, ...over });
    expect(can(me, "moderation.appeal", notice())).toBe(true);
    expect(can(me, "moderation.appeal", notice({ appealed: true }))).toBe(false);
    expect(can(me, "moderation.appeal", notice({ appealable: false }))).toBe(false);
    expect(can(user({ id: "someone-else" }), "moderation.appeal", notice())).toBe(false);
    expect(can(user({ siteRole: "admin", id: "admin" }), "moderation.appeal", notice())).toBe(false);
    expect(can(null, "moderation.appeal", notice())).toBe(false);
    expect(can(user({ status: "suspended" }), "moderation.appeal", notice())).toBe(false);
  });
});

describe("a moderator of organization A can do nothing in organization B's groups", () => {
  // In B's group the A moderator has no membership and no organization role: that is all the policy sees.
  const everyStaffAction = actions.filter(
    (a) =>
      (a.startsWith("moderation.") && a !== "moderation.appeal") ||
      a.startsWith("organization.") && a !== "organization.apply" ||
      ["forum.moderate", "chat.moderate", "chat.manageRooms", "group.reviewRequests"].includes(a),
  );
  for (const orgRole of ["moderator", "admin", "owner"] as const) {
    for (const visibility of ["public", "private"] as const) {
      it(`org ${orgRole} of A, ${visibility} group of B`, () => {
        const inB: GroupTarget & { kind: "site" } = { kind: "site", visibility, joinPolicy: "open", forumPublic: true, membership: null, orgRole: null };
        const inA = { ...inB, orgRole };
        const actor = user();
        for (const action of everyStaffAction) {
          if (action === "moderation.viewEscalated" || action === "moderation.viewSiteAudit" || action === "organization.reviewApplications") {
            expect(ask(actor, action, inB), action).toBe(false);
            continue;
          }
          expect(ask(actor, action, inB), `${action} in B`).toBe(false);
          // Sanity: the same person can act in A (managers only for the management actions).
          const managerOnly = action.startsWith("organization.") && action !== "organization.viewStaffPage";
          expect(ask(actor, action, inA), `${action} in A`).toBe(!managerOnly || orgRole !== "moderator");
        }
      });
    }
  }

  it("answers 404 (not 403) for the queue of a private group of B", () => {
    const privateB: GroupTarget = { visibility: "private", joinPolicy: "approval", forumPublic: true, membership: null, orgRole: null };
    try {
      assertCan(user(), "moderation.viewQueue", privateB);
      throw new Error("allowed");
    } catch (e) {
      expect(isDomainError(e) && e.code).toBe("not_found");
    }
  });
});
