import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Button } from "#app/components/ui/button";
import { muteChoices } from "#app/modules/chat/chat.schema";
import { reportReasonLabels, reportReasons } from "#app/modules/moderation/moderation.schema";
import type { ChatMessage } from "#app/realtime/events";

export type ActionKind = "delete" | "mute" | "ban" | "report";

/** The reason form for delete / mute / remove / report. Focus moves into it when it opens. */
export function ActionForm({
  kind,
  message,
  onCancel,
  onSubmit,
}: {
  kind: ActionKind;
  message: ChatMessage;
  onCancel: () => void;
  onSubmit: (values: { reason: string; minutes: number; details: string }) => Promise<string | null>;
}) {
  const id = useId();
  const first = useRef<HTMLTextAreaElement & HTMLSelectElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => first.current?.focus(), []);
  const who = message.author.displayName;
  const title = {
    delete: `Delete the message from ${who}`,
    mute: `Mute ${who} in this room`,
    ban: `Remove ${who} from this room`,
    report: `Report the message from ${who}`,
  }[kind];
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setBusy(true);
    const err = await onSubmit({
      reason: String(data.get("reason") ?? ""),
      minutes: Number(data.get("minutes") ?? 0),
      details: String(data.get("details") ?? ""),
    });
    setBusy(false);
    setError(err);
  }
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-title`} className="space-y-3 rounded-lg border-2 border-brand-700 p-4 dark:border-brand-100">
      <h3 id={`${id}-title`} className="text-xl">
        {title}
      </h3>
      {kind === "mute" ? (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-minutes`} className="font-semibold">
            For how long
          </label>
          <select id={`${id}-minutes`} name="minutes" className="min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 text-lg dark:bg-stone-800" defaultValue={60}>
            {muteChoices.map((c) => (
              <option key={c.minutes} value={c.minutes}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {kind === "report" ? (
        <>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-reason`} className="font-semibold">
              What is wrong?
            </label>
            <select ref={first} id={`${id}-reason`} name="reason" className="min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 text-lg dark:bg-stone-800">
              {reportReasons.map((r) => (
                <option key={r} value={r}>
                  {reportReasonLabels[r]}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-details`} className="font-semibold">
              Anything the moderators should know (optional)
            </label>
            <textarea id={`${id}-details`} name="details" maxLength={1000} rows={2} className="rounded-lg border-2 border-stone-500 bg-white p-2 text-lg dark:bg-stone-800" />
          </div>
        </>
      ) : (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-reason`} className="font-semibold">
            Reason (the person will see it)
          </label>
          <textarea
            ref={kind === "mute" ? undefined : first}
            id={`${id}-reason`}
            name="reason"
            required
            minLength={3}
            maxLength={500}
            rows={2}
            className="rounded-lg border-2 border-stone-500 bg-white p-2 text-lg dark:bg-stone-800"
          />
        </div>
      )}
      {error ? (
        <p role="alert" className="font-medium text-red-800 dark:text-red-300">
          {error}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant={kind === "report" ? "primary" : "danger"} disabled={busy}>
          {busy ? "Working…" : { delete: "Delete message", mute: "Mute", ban: "Remove from room", report: "Send report" }[kind]}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
