import { useState, type KeyboardEvent, type RefObject } from "react";
import { Button } from "#app/components/ui/button";
import { PersonalDataCheck, roomQuestion } from "#app/components/personal-data-check";
import { MENTION_HINT, MentionTextarea } from "#app/components/ui/mention-textarea";
import { usePreferences } from "#app/lib/preferences";
import { MAX_MESSAGE_CHARS } from "#app/modules/chat/chat.schema";

/**
 * The send box: Enter sends and Shift+Enter starts a new line, or, for members who chose "Ctrl+Enter
 * sends" (settings → accessibility: an accidental Enter is easy with tremor), Ctrl/Cmd+Enter sends and
 * Enter starts a new line. Disabled with the reason when sending is refused. "@" and a name suggests
 * the group's members (MentionTextarea: while its list is open, Enter picks instead of sending).
 */
export function Composer({
  blockedReason,
  onSend,
  onTyping,
  draft,
  setDraft,
  inputRef,
  slug,
  personalCheck = null,
  onSendAnyway,
  onEditPersonal,
}: {
  blockedReason: string | null;
  onSend: (body: string) => void;
  onTyping: (typing: boolean) => void;
  draft: string;
  setDraft: (s: string) => void;
  inputRef: RefObject<HTMLTextAreaElement>;
  /** The room's group, whose members the mention autocomplete suggests. */
  slug: string | null;
  /** The server asked "send anyway?" about the last send (personal-looking data): the step above the box. */
  personalCheck?: { body: string; message: string } | null;
  onSendAnyway?: () => void;
  onEditPersonal?: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const blocked = blockedReason !== null;
  const ctrlEnter = usePreferences()?.chatSend === "ctrl-enter";
  function submit() {
    const body = draft.trim();
    if (!body) return setError("Write a message first.");
    if (draft.length > MAX_MESSAGE_CHARS) return setError(`A message can be at most ${MAX_MESSAGE_CHARS.toLocaleString("en")} characters.`);
    setError(null);
    onSend(body);
    setDraft("");
    onTyping(false);
  }
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key !== "Enter" || e.shiftKey || e.nativeEvent.isComposing) return;
    if (!ctrlEnter || e.ctrlKey || e.metaKey) {
      e.preventDefault();
      submit();
    }
  }
  const left = MAX_MESSAGE_CHARS - draft.length;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      className="space-y-2"
    >
      <label htmlFor="chat-message" className="block text-base font-semibold">
        Message
      </label>
      <p id="chat-message-hint" className="text-sm text-stone-700 dark:text-stone-300">
        {ctrlEnter ? "Ctrl+Enter sends. Enter starts a new line." : "Enter sends. Shift+Enter starts a new line."} {MENTION_HINT}
      </p>
      {personalCheck && onSendAnyway ? (
        <PersonalDataCheck
          message={roomQuestion(personalCheck.body, personalCheck.message)}
          answer={personalCheck}
          textareaId="chat-message"
          confirmLabel="Send anyway"
          editLabel="Edit my message"
          onConfirm={onSendAnyway}
          onEdit={onEditPersonal}
        />
      ) : null}
      {blocked ? (
        <p id="chat-message-blocked" className="rounded-lg border-2 border-red-700 bg-red-50 p-3 font-semibold text-red-900 dark:bg-red-950 dark:text-red-100">
          {blockedReason}
        </p>
      ) : null}
      <MentionTextarea
        slug={slug}
        ref={inputRef}
        id="chat-message"
        name="body"
        rows={3}
        value={draft}
        disabled={blocked}
        aria-describedby={`chat-message-hint${blocked ? " chat-message-blocked" : ""}${error ? " chat-message-error" : ""}`}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          if (error) setError(null);
          onTyping(e.target.value.length > 0);
        }}
        onKeyDown={onKeyDown}
        className="w-full rounded-lg border-2 border-stone-500 bg-white p-3 text-lg text-stone-900 disabled:cursor-not-allowed disabled:bg-stone-200 dark:bg-stone-800 dark:text-stone-50 dark:disabled:bg-stone-700"
      />
      <p id="chat-message-error" className="font-medium text-red-800 dark:text-red-300">
        {error}
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={blocked}>
          Send
        </Button>
        {left < 500 ? <span className="text-sm">{left.toLocaleString("en")} characters left</span> : null}
      </div>
    </form>
  );
}
