import { getInputProps, type FieldMetadata } from "@conform-to/react";
import { FieldShell, inputClass } from "#app/components/ui/field";
import { monthlyLabels } from "#app/lib/rrule";

// Conform's metadata types are invariant in the schema output (see event-form.tsx): taken untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Meta = FieldMetadata<any, any, string[]>;

/** A group of radios with its legend and inline error (the error is announced with the group). */
function RadioGroup({ legend, meta, options, value }: { legend: string; meta: Meta; options: readonly (readonly [string, string])[]; value: string }) {
  const errors = meta.errors?.filter(Boolean) ?? [];
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={meta.errorId}>
      <legend className="text-base font-semibold">{legend}</legend>
      {options.map(([v, label]) => (
        <label key={v} className="inline-flex min-h-11 w-fit cursor-pointer items-center gap-3 text-lg">
          <input type="radio" name={meta.name} value={v} defaultChecked={value === v} className="h-6 w-6" />
          {label}
        </label>
      ))}
      <p id={meta.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
        {errors.length ? errors.join(" ") : null}
      </p>
    </fieldset>
  );
}

/**
 * The new-event form's "Repeats" fieldset (decision 0021). The monthly choices are named from the
 * chosen start ("Monthly on the 2nd Tuesday"), so they follow the start as it is typed.
 */
export function RepeatFields({ fields }: { fields: Record<"repeat" | "repeatEnds" | "repeatCount" | "repeatUntil" | "startsAt", Meta> }) {
  const start = String(fields.startsAt.value ?? fields.startsAt.initialValue ?? "");
  const monthly = monthlyLabels(start);
  const repeat = String(fields.repeat.value ?? fields.repeat.initialValue ?? "none");
  const ends = String(fields.repeatEnds.value ?? fields.repeatEnds.initialValue ?? "count");
  const input = (meta: Meta, type: "number" | "date") => {
    const { key: _key, ...props } = getInputProps(meta, { type, ariaDescribedBy: meta.descriptionId });
    return <input {...props} className={inputClass(!!meta.errors?.length)} />;
  };
  return (
    <fieldset className="space-y-4 rounded-lg border-2 border-stone-400 p-4 dark:border-stone-500">
      <legend className="px-1 text-lg font-semibold">Repeats</legend>
      <RadioGroup
        legend="How often"
        meta={fields.repeat}
        value={repeat}
        options={[
          ["none", "Does not repeat"],
          ["weekly", "Every week"],
          ["biweekly", "Every 2 weeks"],
          ["monthly_nth", monthly ? `Monthly ${monthly.nth}` : "Monthly on the same weekday (choose the start first)"],
          ["monthly_day", monthly ? `Monthly ${monthly.day}` : "Monthly on the same day (choose the start first)"],
        ]}
      />
      {repeat !== "none" ? (
        <>
          <RadioGroup
            legend="Ends"
            meta={fields.repeatEnds}
            value={ends}
            options={[
              ["count", "After a number of times"],
              ["until", "On a date"],
            ]}
          />
          {ends === "until" ? (
            <FieldShell label="Date of the last event" meta={fields.repeatUntil} hint="Inclusive, in the event's time zone. At most two years ahead.">
              {input(fields.repeatUntil, "date")}
            </FieldShell>
          ) : (
            <FieldShell label="Number of times" meta={fields.repeatCount} hint="Including the first. At most 104.">
              {input(fields.repeatCount, "number")}
            </FieldShell>
          )}
        </>
      ) : null}
    </fieldset>
  );
}

/** The edit page of an occurrence: which events of the series the change applies to. */
export function ScopeField({ meta, labels }: { meta: Meta; labels: Record<string, string> }) {
  return (
    <div className="space-y-1">
      <RadioGroup legend="Change which events?" meta={meta} value={String(meta.initialValue ?? "this")} options={Object.entries(labels)} />
      <p className="text-sm text-stone-700 dark:text-stone-300">
        For following or all events, each keeps its own date and takes the new time of day and details; events that have started stay as they were.
      </p>
    </div>
  );
}
