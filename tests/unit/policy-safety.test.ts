import { describe, expect, it } from "vitest";
import { actions, can, type Action, type Actor } from "#app/policy.server";
import { matrixRoles, situation, type MatrixRole } from "./policy-roles";

/** Safety automation and drafts × every role × public/private group. Each string is [public, private], Y = allowed. */
type SafetyAction = Extract<Action, `safety.${string}` | `draft.${string}`>;
const row = (s: string): Record<MatrixRole, string> => {
  const cells = s.split(" ");
  return Object.fromEntries(matrixRoles.map((r, i) => [r, cells[i]!])) as Record<MatrixRole, string>;
};
// Roles in order: visitor, suspended member, suspended org owner, signed-in member, banned, group member,
// group moderator, org moderator, org admin, org owner, site admin.
const expected: Record<SafetyAction, Record<MatrixRole, string>> = {
  "safety.manageWatchedWords": row("NN NN NN NN NN NN NN NN YY YY YY"),
  "safety.manageSiteWatchedWords": row("NN NN NN NN NN NN NN NN NN NN YY"),
  "safety.editSettings": row("NN NN NN NN NN NN NN NN YY YY YY"),
  // Moderators skip holds and the personal-data step; members never do.
  "safety.exempt": row("NN NN NN NN NN NN YY YY YY YY YY"),
  // Drafts: whoever is inside the group (could write there), never the banned or outsiders.
  "draft.save": row("NN NN NN NN NN YY YY YY YY YY YY"),
};

const ask = can as (a: Actor | null, act: Action, t: unknown) => boolean;

describe("safety policy matrix", () => {
  it("covers every safety and draft action the policy defines", () => {
    expect(Object.keys(expected).sort()).toEqual(actions.filter((a) => a.startsWith("safety.") || a.startsWith("draft.")).sort());
  });
  for (const action of Object.keys(expected) as SafetyAction[]) {
    for (const role of matrixRoles) {
      it(`${action} for ${role}`, () => {
        const s = situation(role);
        const got = (["public", "private"] as const)
          .map((visibility) => {
            const target = { kind: "site", visibility, joinPolicy: "open", forumPublic: true, membership: s.membership, orgRole: s.orgRole };
            return ask(s.actor, action, target) ? "Y" : "N";
          })
          .join("");
        expect(got).toBe(expected[action][role]);
      });
    }
  }
});
