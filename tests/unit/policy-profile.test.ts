import { describe, expect, it } from "vitest";
import { actions, can, type Actor, type ProfileTarget } from "#app/policy.server";

/** profile.view for every viewer × the member's choice × sharing a group. */
const me: Actor = { id: "me", siteRole: "member", status: "active" };
const viewers: Record<string, Actor | null> = {
  visitor: null,
  member: { id: "other", siteRole: "member", status: "active" },
  "suspended member": { id: "other", siteRole: "member", status: "suspended" },
  "site admin": { id: "admin", siteRole: "admin", status: "active" },
  "the member themself": me,
};

// Columns: (members, shares a group) (members, no shared group) (nobody, shares) (nobody, no shared group).
const expected: Record<string, string> = {
  visitor: "NNNN",
  member: "YNNN",
  "suspended member": "NNNN",
  "site admin": "YNNN",
  "the member themself": "YYYY",
};

const cases: Omit<ProfileTarget, "kind" | "userId">[] = [
  { profileVisibility: "members", sharesGroup: true },
  { profileVisibility: "members", sharesGroup: false },
  { profileVisibility: "nobody", sharesGroup: true },
  { profileVisibility: "nobody", sharesGroup: false },
];

describe("profile policy matrix", () => {
  it("covers every profile action the policy defines", () => {
    expect(actions.filter((a) => a.startsWith("profile."))).toEqual(["profile.view"]);
  });
  for (const [who, actor] of Object.entries(viewers)) {
    it(`profile.view for ${who}`, () => {
      const got = cases.map((c) => (can(actor, "profile.view", { kind: "profile", userId: "me", ...c }) ? "Y" : "N")).join("");
      expect(got).toBe(expected[who]);
    });
  }
});
