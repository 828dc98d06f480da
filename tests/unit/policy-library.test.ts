import { describe, expect, it } from "vitest";
import { isDomainError } from "#app/lib/errors";
import { actions, assertCan, can, type Action, type Actor, type GroupTarget, type OrgRole, type ResourceTarget } from "#app/policy.server";

/**
 * The library permission matrix, written out by hand. Each string walks the resource's situations:
 *   [organization-wide, public group, private group, retired organization-wide, retired private group]
 * Y = allowed.
 */
type Role =
  | "visitor"
  | "suspended group member"
  | "signed-in outsider"
  | "pending requester"
  | "banned from group"
  | "group member"
  | "group moderator"
  | "org moderator"
  | "org admin"
  | "org owner"
  | "site admin";

type LibraryAction = Exclude<Extract<Action, `library.${string}`>, "library.create">;

const readers = { visitor: "YYNNN", "suspended group member": "YYNNN", "signed-in outsider": "YYNNN", "pending requester": "YYNNN", "banned from group": "YYNNN", "group member": "YYYNN", "group moderator": "YYYNN" };
const staffSeeAll = { "org moderator": "YYYYY", "org admin": "YYYYY", "org owner": "YYYYY", "site admin": "YYYYY" };
const nobody = { visitor: "NNNNN", "suspended group member": "NNNNN", "signed-in outsider": "NNNNN", "pending requester": "NNNNN", "banned from group": "NNNNN", "group member": "NNNNN", "group moderator": "NNNNN" };
const staffLive = { "org moderator": "YYYNN", "org admin": "YYYNN", "org owner": "YYYNN", "site admin": "YYYNN" };

const expected: Record<LibraryAction, Record<Role, string>> = {
  "library.view": { ...readers, ...staffSeeAll },
  "library.downloadFile": { ...readers, ...staffSeeAll },
  "library.edit": { ...nobody, ...staffLive },
  "library.review": { ...nobody, ...staffLive },
  "library.retire": { ...nobody, ...staffLive },
  "library.restore": { ...nobody, "org moderator": "NNNYY", "org admin": "NNNYY", "org owner": "NNNYY", "site admin": "NNNYY" },
  "library.viewHistory": { ...nobody, ...staffSeeAll },
  "library.restoreVersion": { ...nobody, ...staffLive },
  "library.assignReviewer": { ...nobody, ...staffLive },
  "library.bookmark": {
    visitor: "NNNNN", "suspended group member": "NNNNN", "signed-in outsider": "YYNNN", "pending requester": "YYNNN", "banned from group": "YYNNN",
    "group member": "YYYNN", "group moderator": "YYYNN", ...staffLive,
  },
};

const roles = Object.keys(expected["library.view"]) as Role[];
const situations = ["org-wide", "public group", "private group", "retired org-wide", "retired private group"] as const;

function actorOf(role: Role): Actor | null {
  if (role === "visitor") return null;
  return { id: "u1", siteRole: role === "site admin" ? "admin" : "member", status: role === "suspended group member" ? "suspended" : "active" };
}

function targetOf(role: Role, situation: (typeof situations)[number]): ResourceTarget {
  const orgRole: OrgRole | null = role === "org moderator" ? "moderator" : role === "org admin" ? "admin" : role === "org owner" ? "owner" : null;
  const membership: GroupTarget["membership"] =
    role === "group member" || role === "suspended group member"
      ? { role: "member", status: "active" }
      : role === "group moderator"
        ? { role: "moderator", status: "active" }
        : role === "pending requester"
          ? { role: "member", status: "pending" }
          : role === "banned from group"
            ? { role: "member", status: "banned" }
            : null;
  const grouped = situation !== "org-wide" && situation !== "retired org-wide";
  const priv = situation === "private group" || situation === "retired private group";
  const group: GroupTarget | null = grouped
    ? { visibility: priv ? "private" : "public", joinPolicy: priv ? "approval" : "open", forumPublic: true, membership, orgRole }
    : null;
  return { kind: "resource", orgRole, group, resource: { retired: situation.startsWith("retired") } };
}

describe("library policy matrix", () => {
  it("covers every library action", () => {
    expect(Object.keys(expected).sort()).toEqual(actions.filter((a) => a.startsWith("library.") && a !== "library.create").sort());
  });

  for (const action of Object.keys(expected) as LibraryAction[]) {
    for (const role of roles) {
      it(`${action} × ${role}`, () => {
        const got = situations.map((s) => (can(actorOf(role), action, targetOf(role, s)) ? "Y" : "N")).join("");
        expect(got).toBe(expected[action][role]);
      });
    }
  }

  it("denials are 404 where the resource is invisible (private group, retired), 403 or sign-in otherwise", () => {
    for (const action of Object.keys(expected) as LibraryAction[]) {
      for (const role of roles) {
        situations.forEach((s, i) => {
          if (expected[action][role][i] === "Y") return;
          const actor = actorOf(role);
          const target = targetOf(role, s);
          let code: string | undefined;
          try {
            assertCan(actor, action, target, "That resource");
          } catch (e) {
            if (isDomainError(e)) code = e.code;
          }
          const visible = expected["library.view"][role][i] === "Y";
          const want = !visible ? "not_found" : actor === null ? "unauthenticated" : "forbidden";
          expect(code, `${action} × ${role} × ${s}`).toBe(want);
        });
      }
    }
  });

  it("library.create: the organization's owner, admins and moderators (active), and site admins", () => {
    const cases: [Actor | null, OrgRole | null, boolean][] = [
      [null, null, false],
      [{ id: "u", siteRole: "member", status: "active" }, null, false],
      [{ id: "u", siteRole: "member", status: "active" }, "moderator", true],
      [{ id: "u", siteRole: "member", status: "active" }, "admin", true],
      [{ id: "u", siteRole: "member", status: "active" }, "owner", true],
      [{ id: "u", siteRole: "member", status: "suspended" }, "owner", false],
      [{ id: "u", siteRole: "admin", status: "active" }, null, true],
    ];
    for (const [actor, orgRole, allowed] of cases) expect(can(actor, "library.create", { orgRole })).toBe(allowed);
  });
});
