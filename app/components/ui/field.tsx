import { getInputProps, type FieldMetadata } from "@conform-to/react";
import { useState, type InputHTMLAttributes } from "react";

interface FieldProps {
  label: string;
  meta: FieldMetadata<string>;
  type?: "text" | "email" | "password" | "url" | "search";
  hint?: string;
  /** Password fields get a "Show password" switch: typing blind is hard with a tremor. */
  revealable?: boolean;
  inputProps?: Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "name" | "id" | "defaultValue">;
}

/**
 * A labelled input with its hint and inline error. The error is tied to the input with
 * aria-describedby and aria-invalid (via Conform), so screen readers announce it with the field.
 */
export function Field({ label, meta, type = "text", hint, revealable, inputProps }: FieldProps) {
  const [revealed, setRevealed] = useState(false);
  const errors = meta.errors?.filter(Boolean) ?? [];
  const { key, ...props } = getInputProps(meta, {
    type: revealable && revealed ? "text" : type,
    ariaDescribedBy: hint ? meta.descriptionId : undefined,
  });
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
      <input
        key={key}
        {...props}
        {...inputProps}
        className={
          "min-h-11 w-full rounded-lg border-2 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50 " +
          (errors.length ? "border-red-700 dark:border-red-400" : "border-stone-500")
        }
      />
      {revealable ? (
        <label className="inline-flex min-h-11 w-fit cursor-pointer items-center gap-3 text-sm">
          <input type="checkbox" className="h-6 w-6" checked={revealed} onChange={(e) => setRevealed(e.target.checked)} />
          Show password
        </label>
      ) : null}
      <p id={meta.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
        {errors.length ? errors.join(" ") : null}
      </p>
    </div>
  );
}
