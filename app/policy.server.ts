import { DomainError, Forbidden, NotFound } from "#app/lib/errors";

/**
 * THE permission module. Every loader, action and socket handler asks `can` (or `assertCan`);
 * nothing re-implements a rule. Rules are one table, keyed by action, so a matrix test can walk
 * every action × role × visibility.
 */

export type OrgRole = "owner" | "admin" | "moderator";

export interface Actor {
  id: string;
  siteRole: "member" | "admin";
  status: "active" | "suspended";
}

/** A group as seen by one actor: its settings plus the actor's relationship to it. */
export interface GroupTarget {
  visibility: "public" | "private";
  joinPolicy: "open" | "approval";
  membership: { role: "member" | "moderator"; status: "active" | "pending" | "banned" } | null;
  /** The actor's role in the organization that runs the group, if any. */
  orgRole: OrgRole | null;
}

type Rule = (actor: Actor | null, target: GroupTarget) => boolean;

const active = (a: Actor | null): a is Actor => a !== null && a.status === "active";
const siteAdmin = (a: Actor | null) => active(a) && a.siteRole === "admin";
const activeMember = (t: GroupTarget) => t.membership?.status === "active";
const groupModerator = (t: GroupTarget) => activeMember(t) && t.membership?.role === "moderator";
const orgStaff = (t: GroupTarget) => t.orgRole !== null;
const banned = (t: GroupTarget) => t.membership?.status === "banned";

/** Those who may see everything in a group, whatever its visibility. */
const insider: Rule = (a, t) => (active(a) && (activeMember(t) || orgStaff(t))) || siteAdmin(a);
const moderates: Rule = (a, t) => active(a) && (groupModerator(t) || orgStaff(t) || siteAdmin(a));

export const rules = {
  /** The group page and its content. Private groups exist only for insiders (404 for others). */
  "group.view": (a, t) => t.visibility === "public" || insider(a, t),
  /** The member list: never shown to outsiders, even for public groups (pseudonyms, but still people). */
  "group.viewMembers": (a, t) => insider(a, t),
  /** Join an open group at once. Discoverable from the directory, so not tied to group.view. */
  "group.join": (a, t) => active(a) && t.joinPolicy === "open" && t.membership === null,
  /** Ask to join a group that needs approval. */
  "group.requestJoin": (a, t) => active(a) && t.joinPolicy === "approval" && t.membership === null,
  /** Leave, or withdraw a pending request. A ban can't be shed by leaving. */
  "group.leave": (a, t) => active(a) && t.membership !== null && !banned(t),
  /** Approve or decline join requests. */
  "group.reviewRequests": moderates,
} satisfies Record<string, Rule>;

export type Action = keyof typeof rules;
export const actions = Object.keys(rules) as Action[];

export function can(actor: Actor | null, action: Action, target: GroupTarget): boolean {
  return rules[action](actor, target);
}

const forbiddenMessages: Partial<Record<Action, string>> = {
  "group.viewMembers": "Only members of this group can see who belongs to it.",
  "group.join": "You can't join this group.",
  "group.requestJoin": "You can't ask to join this group.",
  "group.leave": "You are not a member of this group.",
  "group.reviewRequests": "Only the group's moderators can review join requests.",
};

/** Actions that can be asked about a group the actor cannot see (the directory lists them). */
const discoverable = new Set<Action>(["group.join", "group.requestJoin", "group.leave"]);

/**
 * Throws when `can` says no: NotFound when the actor may not even know the group's content exists
 * (private groups answer 404, never 403), otherwise Forbidden with a message for the person.
 */
export function assertCan(actor: Actor | null, action: Action, target: GroupTarget, what = "That group"): void {
  if (can(actor, action, target)) return;
  if (!discoverable.has(action) && !can(actor, "group.view", target)) throw NotFound(what);
  if (actor === null) throw new DomainError("unauthenticated", "Please sign in first.");
  if (actor.status !== "active") throw Forbidden("Your account is suspended.");
  throw Forbidden(forbiddenMessages[action]);
}
