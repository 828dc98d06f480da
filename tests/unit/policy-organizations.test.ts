import { describe, expect, it } from "vitest";
import { actions, can, type Action, type Actor, type GroupTarget } from "#app/policy.server";
import { matrixRoles, situation, type MatrixRole } from "./policy-roles";

/**
 * Organization actions × every role × public/private group. Each string is [public, private], Y = allowed.
 * Organization-level actions take the organization part of the target (the actor's org role); they are
 * asked about both group kinds anyway so the matrix shape is the same for every action.
 */
type OrgAction = Extract<Action, `organization.${string}`>;
const managers = (): Record<MatrixRole, string> => ({
  visitor: "NN", "suspended member": "NN", "suspended org owner": "NN", "signed-in member": "NN", banned: "NN", "group member": "NN",
  "group moderator": "NN", "org moderator": "NN", "org admin": "YY", "org owner": "YY", "site admin": "YY",
});
export const expected: Record<OrgAction, Record<MatrixRole, string>> = {
  "organization.apply": {
    visitor: "NN", "suspended member": "NN", "suspended org owner": "NN", "signed-in member": "YY", banned: "YY", "group member": "YY",
    "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "organization.reviewApplications": {
    visitor: "NN", "suspended member": "NN", "suspended org owner": "NN", "signed-in member": "NN", banned: "NN", "group member": "NN",
    "group moderator": "NN", "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "YY",
  },
  "organization.viewStaffPage": {
    visitor: "NN", "suspended member": "NN", "suspended org owner": "NN", "signed-in member": "NN", banned: "NN", "group member": "NN",
    "group moderator": "NN", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "organization.manageTeam": managers(),
  "organization.createGroup": managers(),
  "organization.editHelplines": managers(),
  "organization.viewAudit": managers(),
  "organization.editGroup": managers(),
  "organization.appointModerators": managers(),
};
export const coveredActions = Object.keys(expected) as Action[];

function targetFor(role: MatrixRole, visibility: "public" | "private"): { actor: Actor | null; target: GroupTarget & { kind?: "site" } } {
  const s = situation(role);
  return { actor: s.actor, target: { kind: "site", visibility, joinPolicy: visibility === "public" ? "open" : "approval", forumPublic: true, membership: s.membership, orgRole: s.orgRole } };
}

describe("organization policy matrix", () => {
  it("covers every organization action the policy defines", () => {
    expect(Object.keys(expected).sort()).toEqual(actions.filter((a) => a.startsWith("organization.")).sort());
  });
  for (const action of Object.keys(expected) as OrgAction[]) {
    for (const role of matrixRoles) {
      it(`${action} for ${role}`, () => {
        const got = (["public", "private"] as const)
          .map((v) => {
            const { actor, target } = targetFor(role, v);
            return (can as (a: Actor | null, act: Action, t: unknown) => boolean)(actor, action, target) ? "Y" : "N";
          })
          .join("");
        expect(got).toBe(expected[action][role]);
      });
    }
  }
});
