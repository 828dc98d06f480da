import { getInputProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";
import { useState, type InputHTMLAttributes, type ReactNode } from "react";

/**
 * When every form validates (spread into Conform's useForm): on submit, then again as the person
 * types. Never on blur: a message appearing on blur pushes what is below it down between mousedown
 * and mouseup, so the click that left the field lands on nothing (hard for people with tremor).
 */
export const formTiming = { shouldValidate: "onSubmit", shouldRevalidate: "onInput" } as const;

/** What FieldShell needs of a Conform field: its ids and errors (any field type). */
export interface FieldIds {
  id: string;
  descriptionId: string;
  errorId: string;
  errors?: string[];
}

/** The look of every text control; red border when invalid. */
export function inputClass(invalid = false): string {
  return (
    "min-h-11 w-full rounded-lg border-2 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50 " +
    (invalid ? "border-red-700 dark:border-red-400" : "border-stone-500")
  );
}

export function hasErrors(meta: { errors?: string[] }): boolean {
  return (meta.errors?.filter(Boolean).length ?? 0) > 0;
}

/**
 * Label, hint, control and inline error, tied together for screen readers: the error is linked
 * with aria-describedby and aria-invalid (set by Conform's getXProps on the control), so it is
 * announced with the field. Every form field in the app is built on this.
 */
export function FieldShell({ label, meta, hint, children }: { label: string; meta: FieldIds; hint?: string; children: ReactNode }) {
  const errors = meta.errors?.filter(Boolean) ?? [];
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={meta.id} className="text-base font-semibold">
        {label}
      </label>
      {hint ? (
        <p id={meta.descriptionId} className="text-sm text-stone-700 dark:text-stone-300">
          {hint}
        </p>
      ) : null}
      {children}
      <p id={meta.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
        {errors.length ? errors.join(" ") : null}
      </p>
    </div>
  );
}

interface FieldProps {
  label: string;
  meta: FieldMetadata<string>;
  type?: "text" | "email" | "password" | "url" | "search";
  hint?: string;
  /** Password fields get a "Show password" switch: typing blind is hard with a tremor. */
  revealable?: boolean;
  inputProps?: Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "name" | "id" | "defaultValue">;
}

/** A labelled text input with its hint and inline error. */
export function Field({ label, meta, type = "text", hint, revealable, inputProps }: FieldProps) {
  const [revealed, setRevealed] = useState(false);
  const { key, ...props } = getInputProps(meta, {
    type: revealable && revealed ? "text" : type,
    ariaDescribedBy: hint ? meta.descriptionId : undefined,
  });
  return (
    <FieldShell label={label} meta={meta} hint={hint}>
      <input key={key} {...props} {...inputProps} className={inputClass(hasErrors(meta))} />
      {revealable ? (
        <label className="inline-flex min-h-11 w-fit cursor-pointer items-center gap-3 text-sm">
          <input type="checkbox" className="h-6 w-6" checked={revealed} onChange={(e) => setRevealed(e.target.checked)} />
          Show password
        </label>
      ) : null}
    </FieldShell>
  );
}

/** A labelled, Conform-managed textarea with its hint and inline error. */
export function TextareaField({ label, meta, hint, rows = 8 }: { label: string; meta: FieldMetadata<string>; hint?: string; rows?: number }) {
  const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: hint ? meta.descriptionId : undefined });
  return (
    <FieldShell label={label} meta={meta} hint={hint}>
      <textarea key={key} {...props} rows={rows} className={inputClass(hasErrors(meta))} />
    </FieldShell>
  );
}
