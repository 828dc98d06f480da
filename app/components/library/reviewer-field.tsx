import { getSelectProps, type FieldMetadata } from "@conform-to/react";
import { FieldShell, inputClass } from "#app/components/ui/field";

/** One of the organization's team (reviewer.server.ts listReviewerChoices). */
type ReviewerChoice = { id: string; displayName: string; left?: boolean };

/** The edit form's reviewer select: the organization's team; "no one" sends reminders to all staff. */
export function ReviewerField({ meta, choices }: { meta: FieldMetadata<string | undefined>; choices: ReviewerChoice[] }) {
  const { key: _key, ...props } = getSelectProps(meta, { ariaDescribedBy: meta.descriptionId });
  return (
    <FieldShell label="Reviewer (optional)" meta={meta} hint="Who checks this resource is still accurate. They are reminded 30 days before the yearly review is due and again when it is overdue; with no one chosen, all staff are reminded when it is overdue.">
      <select {...props} className={inputClass(!!meta.errors?.length)}>
        <option value="">No one: all staff</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.left ? `${c.displayName} (no longer on the team)` : c.displayName}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
