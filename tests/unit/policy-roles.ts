import type { Actor, GroupTarget } from "#app/policy.server";

/** The roles the organization and moderation matrices walk (the list, plus banned and a suspended owner). */
export const matrixRoles = [
  "visitor",
  "suspended member",
  "suspended org owner",
  "signed-in member",
  "banned",
  "group member",
  "group moderator",
  "org moderator",
  "org admin",
  "org owner",
  "site admin",
] as const;
export type MatrixRole = (typeof matrixRoles)[number];

export const user = (over: Partial<Actor> = {}): Actor => ({ id: "u1", siteRole: "member", status: "active", ...over });

export function situation(role: MatrixRole): { actor: Actor | null; membership: GroupTarget["membership"]; orgRole: GroupTarget["orgRole"] } {
  switch (role) {
    case "visitor": return { actor: null, membership: null, orgRole: null };
    case "suspended member": return { actor: user({ status: "suspended" }), membership: { role: "member", status: "active" }, orgRole: null };
    case "suspended org owner": return { actor: user({ status: "suspended" }), membership: { role: "moderator", status: "active" }, orgRole: "owner" };
    case "signed-in member": return { actor: user(), membership: null, orgRole: null };
    case "banned": return { actor: user(), membership: { role: "member", status: "banned" }, orgRole: null };
    case "group member": return { actor: user(), membership: { role: "member", status: "active" }, orgRole: null };
    case "group moderator": return { actor: user(), membership: { role: "moderator", status: "active" }, orgRole: null };
    case "org moderator": return { actor: user(), membership: null, orgRole: "moderator" };
    case "org admin": return { actor: user(), membership: null, orgRole: "admin" };
    case "org owner": return { actor: user(), membership: null, orgRole: "owner" };
    case "site admin": return { actor: user({ siteRole: "admin" }), membership: null, orgRole: null };
  }
}
