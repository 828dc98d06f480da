/**
 * A person's staff standing in one group, shown as a badge next to their name on posts, chat
 * messages and member lists so nobody can pass for a moderator by their display name alone.
 * Plain data (no server code), so the wire types and the components share it.
 */
export type StaffRole = "admin" | "organization" | "moderator";

export const staffRoleLabels: Record<StaffRole, string> = {
  admin: "Site admin",
  organization: "Organization staff",
  moderator: "Moderator",
};
