import { getInputProps, type FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";

/**
 * A labelled, Conform-managed checkbox with its hint and inline error (tied to the box with
 * aria-describedby/aria-invalid by getInputProps). The whole label row is the click target (≥ 44 px).
 */
export function CheckboxField({ label, meta, hint, required }: { label: ReactNode; meta: FieldMetadata<boolean | undefined>; hint?: ReactNode; required?: boolean }) {
  const { key, ...props } = getInputProps(meta, { type: "checkbox", ariaDescribedBy: hint ? meta.descriptionId : undefined });
  const errors = meta.errors?.filter(Boolean) ?? [];
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={meta.id} className="flex min-h-11 cursor-pointer items-start gap-3 py-2">
        {/* aria-required, not required: the browser's own bubble would block the submit before the inline
            errors, and while the page hydrates it races them (the server answers with the same errors). */}
        <input key={key} {...props} required={undefined} aria-required={required || undefined} className="mt-0.5 h-6 w-6 shrink-0" />
        <span>{label}</span>
      </label>
      {hint ? (
        <p id={meta.descriptionId} className="ml-9 text-sm text-stone-700 dark:text-stone-300">
          {hint}
        </p>
      ) : null}
      <p id={meta.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
        {errors.length ? errors.join(" ") : null}
      </p>
    </div>
  );
}
