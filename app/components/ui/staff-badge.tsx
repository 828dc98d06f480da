import { staffRoleLabels, type StaffRole } from "#app/lib/staff-role";

/**
 * The staff mark next to a name (posts, chat, member lists). It comes from the person's role, never
 * from what they typed, so it is the way to tell a real moderator from a look-alike name.
 */
export function StaffBadge({ role }: { role: StaffRole | null | undefined }) {
  if (!role) return null;
  return (
    <span
      data-staff-role={role}
      className="inline-flex items-center gap-1 rounded-full border-2 border-brand-700 bg-brand-50 px-2 text-sm font-semibold text-brand-800 dark:border-brand-100 dark:bg-stone-800 dark:text-brand-50"
    >
      <span aria-hidden="true">★</span>
      {staffRoleLabels[role]}
    </span>
  );
}
