import { useEffect, useId, useRef, useState } from "react";
import { Button } from "#app/components/ui/button";
import { findPersonalData, personalDataQuestion } from "#app/modules/safety/personal-data";

/**
 * The personal-data step: "This looks like personal information (…). Post anyway?" shown inline
 * above the form's buttons after the server answered needs_confirmation (or the composer saw it
 * first). Not a modal, no timer: the author reads it, then either posts anyway or goes back to the
 * text, which is never lost. Focus moves to the step's heading when it appears.
 *
 * In a form (`submit`): "Post anyway" submits the form again with confirmPersonal=1 and intent=post,
 * so it works without JavaScript too. In the chat composer (`onConfirm`): a plain button.
 */
export function PersonalDataCheck({
  message,
  textareaId,
  confirmLabel = "Post anyway",
  editLabel = "Edit my post",
  onConfirm,
  onEdit,
  busy = false,
  answer,
}: {
  message: string;
  /** The text box "Edit my post" goes back to. */
  textareaId: string;
  confirmLabel?: string;
  editLabel?: string;
  /** Without it, "Post anyway" is the form's submit button (intent=post, confirmPersonal=1). */
  onConfirm?: () => void;
  /** Called after focus went back to the text box (e.g. to hide the step). */
  onEdit?: () => void;
  busy?: boolean;
  /** The answer that asked (e.g. the action data): a new one shows the step again after "Edit my post". */
  answer?: unknown;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [open, setOpen] = useState(true);
  useEffect(() => {
    setOpen(true);
  }, [message, answer]);
  useEffect(() => {
    if (open) heading.current?.focus();
  }, [open, message, answer]);

  const edit = () => {
    const box = document.getElementById(textareaId);
    if (box instanceof HTMLTextAreaElement || box instanceof HTMLInputElement) {
      box.focus();
      // The caret at the end, where people usually continue.
      box.setSelectionRange(box.value.length, box.value.length);
    }
    setOpen(false);
    onEdit?.();
  };

  if (!open) return null;
  return (
    <section
      aria-labelledby={headingId}
      data-testid="personal-data-check"
      className="space-y-3 rounded-xl border-2 border-amber-600 bg-amber-50 p-4 text-stone-900 dark:border-amber-300 dark:bg-stone-800 dark:text-stone-50"
    >
      <h2 id={headingId} ref={heading} tabIndex={-1} className="text-xl focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2">
        Before you post: a quick check
      </h2>
      <p>{message}</p>
      <div className="flex flex-wrap gap-3">
        {onConfirm ? (
          <Button onClick={onConfirm} disabled={busy}>
            {confirmLabel}
          </Button>
        ) : (
          <>
            <input type="hidden" name="confirmPersonal" value="1" />
            <Button type="submit" name="intent" value="post" disabled={busy}>
              {confirmLabel}
            </Button>
          </>
        )}
        <Button variant="secondary" onClick={edit}>
          {editLabel}
        </Button>
      </div>
    </section>
  );
}

/** The step's message from a form action's answer, when it asked a question (formFailure's `confirm`). */
export function confirmMessageOf(result: unknown): string | null {
  if (!result || typeof result !== "object" || !("confirm" in result)) return null;
  const confirm = (result as { confirm?: { message?: unknown } }).confirm;
  return typeof confirm?.message === "string" ? confirm.message : null;
}

/** The question in a chat room's words ("Anyone in this room … Send anyway?"); the server's words if this browser sees nothing. */
export function roomQuestion(body: string, serverMessage: string): string {
  const kinds = findPersonalData(body);
  return kinds.length > 0 ? personalDataQuestion(kinds, "room") : serverMessage;
}
