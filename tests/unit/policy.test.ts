import { describe, expect, it } from "vitest";
import { isDomainError } from "#app/lib/errors";
import { actions, assertCan, can, type Action, type Actor, type GroupTarget } from "#app/policy.server";

/**
 * The permission matrix, written out by hand: every action × role × (visibility, join policy).
 * Each string is [public+open, public+approval, private+open, private+approval], Y = allowed.
 */
type Role =
  | "visitor"
  | "suspended member"
  | "signed-in outsider"
  | "pending requester"
  | "banned"
  | "group member"
  | "group moderator"
  | "org moderator"
  | "org admin"
  | "org owner"
  | "site admin";

type GroupAction = Extract<Action, `group.${string}`>;
const expected: Record<GroupAction, Record<Role, string>> = {
  "group.view": {
    visitor: "YYNN", "suspended member": "YYNN", "signed-in outsider": "YYNN", "pending requester": "YYNN", banned: "YYNN",
    "group member": "YYYY", "group moderator": "YYYY", "org moderator": "YYYY", "org admin": "YYYY", "org owner": "YYYY", "site admin": "YYYY",
  },
  "group.viewMembers": {
    visitor: "NNNN", "suspended member": "NNNN", "signed-in outsider": "NNNN", "pending requester": "NNNN", banned: "NNNN",
    "group member": "YYYY", "group moderator": "YYYY", "org moderator": "YYYY", "org admin": "YYYY", "org owner": "YYYY", "site admin": "YYYY",
  },
  "group.join": {
    visitor: "NNNN", "suspended member": "NNNN", "signed-in outsider": "YNYN", "pending requester": "NNNN", banned: "NNNN",
    "group member": "NNNN", "group moderator": "NNNN", "org moderator": "YNYN", "org admin": "YNYN", "org owner": "YNYN", "site admin": "YNYN",
  },
  "group.requestJoin": {
    visitor: "NNNN", "suspended member": "NNNN", "signed-in outsider": "NYNY", "pending requester": "NNNN", banned: "NNNN",
    "group member": "NNNN", "group moderator": "NNNN", "org moderator": "NYNY", "org admin": "NYNY", "org owner": "NYNY", "site admin": "NYNY",
  },
  "group.leave": {
    visitor: "NNNN", "suspended member": "NNNN", "signed-in outsider": "NNNN", "pending requester": "YYYY", banned: "NNNN",
    "group member": "YYYY", "group moderator": "YYYY", "org moderator": "NNNN", "org admin": "NNNN", "org owner": "NNNN", "site admin": "NNNN",
  },
  "group.reviewRequests": {
    visitor: "NNNN", "suspended member": "NNNN", "signed-in outsider": "NNNN", "pending requester": "NNNN", banned: "NNNN",
    "group member": "NNNN", "group moderator": "YYYY", "org moderator": "YYYY", "org admin": "YYYY", "org owner": "YYYY", "site admin": "YYYY",
  },
  "group.seeUnlistedMembers": {
    visitor: "NNNN", "suspended member": "NNNN", "signed-in outsider": "NNNN", "pending requester": "NNNN", banned: "NNNN",
    "group member": "NNNN", "group moderator": "YYYY", "org moderator": "YYYY", "org admin": "YYYY", "org owner": "YYYY", "site admin": "YYYY",
  },
};

const user = (over: Partial<Actor> = {}): Actor => ({ id: "u1", siteRole: "member", status: "active", ...over });

function situation(role: Role): { actor: Actor | null; membership: GroupTarget["membership"]; orgRole: GroupTarget["orgRole"] } {
  switch (role) {
    case "visitor": return { actor: null, membership: null, orgRole: null };
    case "suspended member": return { actor: user({ status: "suspended" }), membership: { role: "member", status: "active" }, orgRole: null };
    case "signed-in outsider": return { actor: user(), membership: null, orgRole: null };
    case "pending requester": return { actor: user(), membership: { role: "member", status: "pending" }, orgRole: null };
    case "banned": return { actor: user(), membership: { role: "member", status: "banned" }, orgRole: null };
    case "group member": return { actor: user(), membership: { role: "member", status: "active" }, orgRole: null };
    case "group moderator": return { actor: user(), membership: { role: "moderator", status: "active" }, orgRole: null };
    case "org moderator": return { actor: user(), membership: null, orgRole: "moderator" };
    case "org admin": return { actor: user(), membership: null, orgRole: "admin" };
    case "org owner": return { actor: user(), membership: null, orgRole: "owner" };
    case "site admin": return { actor: user({ siteRole: "admin" }), membership: null, orgRole: null };
  }
}

const settings = [
  ["public", "open"],
  ["public", "approval"],
  ["private", "open"],
  ["private", "approval"],
] as const;

describe("policy matrix", () => {
  const groupActions = actions.filter((a): a is GroupAction => a.startsWith("group."));
  it("covers every group action the policy defines", () => {
    expect(Object.keys(expected).sort()).toEqual([...groupActions].sort());
  });

  for (const action of groupActions) {
    for (const role of Object.keys(expected[action]) as Role[]) {
      it(`${action} for ${role}`, () => {
        const { actor, membership, orgRole } = situation(role);
        const got = settings
          .map(([visibility, joinPolicy]) => (can(actor, action, { visibility, joinPolicy, forumPublic: true, membership, orgRole }) ? "Y" : "N"))
          .join("");
        expect(got).toBe(expected[action][role]);
      });
    }
  }
});

describe("assertCan", () => {
  const privateGroup: GroupTarget = { visibility: "private", joinPolicy: "approval", forumPublic: true, membership: null, orgRole: null };
  const publicGroup: GroupTarget = { ...privateGroup, visibility: "public" };
  const codeOf = (fn: () => void) => {
    try {
      fn();
      return "allowed";
    } catch (e) {
      return isDomainError(e) ? e.code : "other";
    }
  };

  it("answers not_found, never forbidden, for a private group's insides", () => {
    expect(codeOf(() => assertCan(user(), "group.view", privateGroup))).toBe("not_found");
    expect(codeOf(() => assertCan(user(), "group.viewMembers", privateGroup))).toBe("not_found");
    expect(codeOf(() => assertCan(null, "group.reviewRequests", privateGroup))).toBe("not_found");
  });

  it("answers forbidden for what a public group keeps to its members", () => {
    expect(codeOf(() => assertCan(user(), "group.viewMembers", publicGroup))).toBe("forbidden");
  });

  it("asks visitors to sign in before joining", () => {
    expect(codeOf(() => assertCan(null, "group.requestJoin", privateGroup))).toBe("unauthenticated");
  });

  it("lets an outsider ask to join a private group they cannot see", () => {
    expect(codeOf(() => assertCan(user(), "group.requestJoin", privateGroup))).toBe("allowed");
  });
});
