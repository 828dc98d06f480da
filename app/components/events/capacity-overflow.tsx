import type { CapacityOverflow } from "#app/modules/events/attendees.schema";

/**
 * On the edit form: what happens when the new capacity is below the number of people going. The
 * default refuses the save (with a message at the capacity field); "move" sends the latest RSVPs
 * back to the front of the waitlist and tells them at once.
 */
export function CapacityOverflowChoice({ value }: { value: CapacityOverflow }) {
  const choices: { value: CapacityOverflow; label: string }[] = [
    { value: "keep", label: "Keep everyone's place: don't save a capacity below the number going" },
    { value: "move", label: "Move the latest RSVPs back to the waitlist (they are told at once)" },
  ];
  return (
    <fieldset className="space-y-2">
      <legend className="text-lg font-semibold">If the new capacity is below the number of people going</legend>
      {choices.map((c) => (
        <label key={c.value} className="flex min-h-11 cursor-pointer items-center gap-3">
          <input type="radio" name="capacityOverflow" value={c.value} defaultChecked={value === c.value} className="h-6 w-6 shrink-0" />
          {c.label}
        </label>
      ))}
    </fieldset>
  );
}
