import { describe, expect, it } from "vitest";
import { actions, assertCan, can, type Actor } from "#app/policy.server";
import { isDomainError } from "#app/lib/errors";

/** block.member for every kind of actor × blocking someone else or oneself. Blocks never depend on groups or roles. */
const actors: Record<string, Actor | null> = {
  visitor: null,
  member: { id: "me", siteRole: "member", status: "active" },
  "unverified member": { id: "me", siteRole: "member", status: "active", emailVerified: false },
  "suspended member": { id: "me", siteRole: "member", status: "suspended" },
  "site admin": { id: "me", siteRole: "admin", status: "active" },
};

// Columns: (someone else) (themself).
const expected: Record<string, string> = {
  visitor: "NN",
  member: "YN",
  // Blocking protects; it never waits for a confirmed address.
  "unverified member": "YN",
  "suspended member": "NN",
  "site admin": "YN",
};

const targets = [
  { kind: "block" as const, userId: "other" },
  { kind: "block" as const, userId: "me" },
];

describe("block policy matrix", () => {
  it("covers every block action the policy defines", () => {
    expect(actions.filter((a) => a.startsWith("block."))).toEqual(["block.member"]);
  });
  for (const [who, actor] of Object.entries(actors)) {
    it(`block.member for ${who}`, () => {
      expect(targets.map((t) => (can(actor, "block.member", t) ? "Y" : "N")).join("")).toBe(expected[who]);
    });
  }
  it("says why when someone tries to block themself", () => {
    try {
      assertCan(actors.member!, "block.member", targets[1]!);
      expect.unreachable();
    } catch (e) {
      expect(isDomainError(e) && e.code).toBe("forbidden");
      expect((e as Error).message).toBe("You can't block yourself.");
    }
  });
});
