import { staffRoleLabels, type StaffRole } from "#app/lib/staff-role";

/**
 * The staff mark next to a name (posts, chat, member lists). It comes from the person's role, never
 * from what they typed, so it is the way to tell a real moderator from a look-alike name.
 */
export function StaffBadge({ role }: { role: StaffRole | null | undefined }) {
  if (!role) return null;
  return (
    <span data-staff-role={role} className="staff-badge">
      <span aria-hidden="true">★</span>
      {staffRoleLabels[role]}
    </span>
  );
}
