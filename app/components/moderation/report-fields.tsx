import { Button } from "#app/components/ui/button";

/**
 * The inside of every report form (a post, a member): the reason, a note for the moderators and the
 * send button. The caller supplies the form, its hidden fields and the status line.
 */
export function ReportFields({
  legend,
  reasons,
  reasonErrors,
  errorId,
  busy,
}: {
  legend: string;
  reasons: { value: string; label: string }[];
  reasonErrors: string[] | undefined;
  /** Unique on the page: the reason's error is tied to the fieldset by it. */
  errorId: string;
  busy: boolean;
}) {
  return (
    <>
      <fieldset className="space-y-1" aria-describedby={reasonErrors ? errorId : undefined}>
        <legend className="font-semibold">{legend}</legend>
        {reasons.map((r) => (
          <label key={r.value} className="flex min-h-11 items-center gap-3">
            <input type="radio" name="reason" value={r.value} required className="h-6 w-6" />
            {r.label}
          </label>
        ))}
      </fieldset>
      {reasonErrors ? (
        <p id={errorId} className="text-red-800 dark:text-red-300">
          {reasonErrors.join(" ")}
        </p>
      ) : null}
      <label className="flex flex-col gap-1">
        <span className="font-semibold">Anything the moderators should know? (optional)</span>
        <textarea name="details" rows={3} maxLength={1000} className="w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg dark:bg-stone-800" />
      </label>
      <Button type="submit" disabled={busy}>
        {busy ? "Sending…" : "Send report"}
      </Button>
    </>
  );
}
