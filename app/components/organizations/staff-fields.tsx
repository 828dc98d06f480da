import { getSelectProps, type FieldMetadata } from "@conform-to/react";
import { FieldShell, hasErrors, inputClass } from "#app/components/ui/field";

/** An organization the viewer works for, with its groups (from the organizations module). */
export interface StaffChoice {
  id: string;
  name: string;
  groups: { id: string; name: string; private: boolean }[];
}

// Conform's metadata types are invariant in the schema; these fields only render strings.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Meta = FieldMetadata<any, any, string[]>;

/**
 * "Which organization": a select when there is a choice, a hidden field when the organization is
 * fixed (editing) or the viewer works for only one. Shared by the event and resource forms.
 */
export function OrganizationField({ meta, choices, locked }: { meta: Meta; choices: StaffChoice[]; locked: boolean }) {
  if (locked || choices.length <= 1) {
    return <input type="hidden" name={meta.name} value={String(meta.initialValue ?? choices[0]?.id ?? "")} />;
  }
  const { key: _key, ...props } = getSelectProps(meta);
  return (
    <FieldShell label="Organization" meta={meta}>
      <select {...props} className={inputClass(hasErrors(meta))}>
        {choices.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** "Which group (optional)", grouped by organization; private groups say so. */
export function GroupField({ meta, choices, noneLabel, hint }: { meta: Meta; choices: StaffChoice[]; noneLabel: string; hint?: string }) {
  const { key: _key, ...props } = getSelectProps(meta, { ariaDescribedBy: hint ? meta.descriptionId : undefined });
  return (
    <FieldShell label="Group (optional)" meta={meta} hint={hint}>
      <select {...props} className={inputClass(hasErrors(meta))}>
        <option value="">{noneLabel}</option>
        {choices.map((o) => (
          <optgroup key={o.id} label={o.name}>
            {o.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
                {g.private ? " (private: members only)" : ""}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </FieldShell>
  );
}
