import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { PersonalDataCheck, roomQuestion } from "#app/components/personal-data-check";
import { Button } from "#app/components/ui/button";
import { messageHref } from "#app/lib/chat-links";
import type { ChatReplyQuote } from "#app/lib/chat-wire";
import { MAX_MESSAGE_CHARS } from "#app/modules/chat/chat.schema";
import type { ChatMessage } from "#app/realtime/events";
import { useChatRoom } from "./room-context";

/**
 * The per-message pieces of issue 14's "your own messages, replies, permalinks": the reply's quoted
 * line, Copy link, the author's edit form and delete confirmation, and the moderators' earlier versions.
 */

/** The quoted line of a reply: a button that jumps to the original (loading the page around it if needed). */
export function ReplyQuote({ quote }: { quote: ChatReplyQuote }) {
  const { jumpTo } = useChatRoom();
  if (quote.missing) return <p className="mt-1 border-l-4 border-stone-400 pl-2 text-base italic text-stone-700 dark:text-stone-300">Replying to a message that is no longer here.</p>;
  return (
    <button
      type="button"
      onClick={() => jumpTo(quote.seq)}
      className="mt-1 flex min-h-11 w-full min-w-11 items-center border-l-4 border-brand-700 pl-2 text-left text-base text-stone-800 underline-offset-2 hover:underline dark:border-brand-100 dark:text-stone-200"
      data-testid="chat-reply-quote"
    >
      <span className="truncate">
        <span className="sr-only">In reply to </span>
        <span className="font-semibold">{quote.authorName}</span>: {quote.deleted ? <em>deleted message</em> : quote.excerpt}
        <span className="sr-only"> (go to the original)</span>
      </span>
    </button>
  );
}

/** One button: copies the permalink; where the clipboard is refused, shows the link selected to copy by hand. */
export function CopyLinkButton({ message }: { message: ChatMessage }) {
  const { room } = useChatRoom();
  const [said, setSaid] = useState("");
  const [manual, setManual] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => field.current?.select(), [manual]);
  async function copy() {
    const url = new URL(messageHref(room, message.seq), window.location.href).toString();
    try {
      await navigator.clipboard.writeText(url);
      setManual(null);
      setSaid("Link copied");
    } catch {
      setManual(url);
      setSaid("Copy the link from the field below.");
    }
  }
  return (
    <>
      <Button variant="secondary" onClick={() => void copy()}>
        Copy link
      </Button>
      {/* Scoped to this message (not a role=status): polite, read when the text changes. */}
      <span aria-live="polite" className="inline-flex items-center text-base" data-testid="chat-copy-live">
        {said}
      </span>
      {manual ? (
        <span className="flex w-full flex-col gap-1">
          <label htmlFor={`${id}-link`} className="font-semibold">
            Link to this message
          </label>
          <input ref={field} id={`${id}-link`} readOnly value={manual} className="min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 text-base dark:bg-stone-800" />
        </span>
      ) : null}
    </>
  );
}

/** The author's edit form, in place of the body. Focus goes to the text; Escape or Cancel leaves it unchanged. */
export function EditOwnForm({ message, onDone }: { message: ChatMessage; onDone: () => void }) {
  const { edit } = useChatRoom();
  const id = useId();
  const [body, setBody] = useState(message.body);
  const [error, setError] = useState<string | null>(null);
  /** The personal-data question about this edit ("save anyway?"), until answered. */
  const [question, setQuestion] = useState<{ body: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  async function save(confirmPersonal: boolean) {
    if (!body.trim()) return setError("Write a message first.");
    setBusy(true);
    const res = await edit(message.id, body, confirmPersonal);
    setBusy(false);
    if (!res.ok && res.error.code === "needs_confirmation") return setQuestion({ body, message: res.error.message });
    if (!res.ok) return setError(res.error.message);
    onDone();
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    await save(false);
  }
  return (
    <form onSubmit={(e) => void submit(e)} className="mt-2 space-y-2">
      <label htmlFor={`${id}-body`} className="block font-semibold">
        Edit your message
      </label>
      <textarea
        ref={input}
        id={`${id}-body`}
        value={body}
        maxLength={MAX_MESSAGE_CHARS}
        rows={3}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") onDone();
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="w-full rounded-lg border-2 border-stone-500 bg-white p-3 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50"
      />
      {question ? (
        <PersonalDataCheck
          message={roomQuestion(question.body, question.message)}
          answer={question}
          textareaId={`${id}-body`}
          confirmLabel="Save anyway"
          editLabel="Edit my message"
          busy={busy}
          onConfirm={() => void save(true)}
          onEdit={() => setQuestion(null)}
        />
      ) : null}
      {error ? (
        <p id={`${id}-error`} role="alert" className="font-medium text-red-800 dark:text-red-300">
          {error}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save edit"}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** "Delete this message?" with Delete / Keep: a confirm step that waits as long as the person needs. */
export function DeleteOwnConfirm({ message, onDone }: { message: ChatMessage; onDone: () => void }) {
  const { deleteOwn } = useChatRoom();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  async function confirm() {
    setBusy(true);
    const res = await deleteOwn(message.id);
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    onDone();
  }
  return (
    <div role="group" aria-label="Delete your message" className="mt-2 space-y-2 rounded-lg border-2 border-red-700 p-3">
      <p className="font-semibold">Delete this message? Everyone will see “Message deleted by its author.”</p>
      {error ? (
        <p role="alert" className="font-medium text-red-800 dark:text-red-300">
          {error}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button variant="danger" onClick={() => void confirm()} disabled={busy}>
          {busy ? "Deleting…" : "Delete message"}
        </Button>
        <button ref={keep} type="button" onClick={onDone} className="inline-flex min-h-11 min-w-11 items-center rounded-lg border-2 border-brand-700 px-5 font-semibold text-brand-800 dark:border-brand-100 dark:text-brand-50">
          Keep it
        </button>
      </div>
    </div>
  );
}

/** Moderators: the bodies a message had before its edits, oldest first. */
export function EarlierVersions({ message, onClose }: { message: ChatMessage; onClose: () => void }) {
  const { request, hydrated } = useChatRoom();
  const [versions, setVersions] = useState<{ body: string; replacedAt: string }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = useId();
  useEffect(() => {
    let live = true;
    void request("message:versions", { messageId: message.id }).then((res) => {
      if (!live) return;
      if (res.ok) setVersions(res.data.versions);
      else setError(res.error.message);
      heading.current?.focus();
    });
    return () => {
      live = false;
    };
  }, [message.id, message.editedAt, request]);
  return (
    <section aria-labelledby={`${id}-title`} className="mt-2 space-y-2 rounded-lg border-2 border-stone-400 p-3" data-testid="chat-versions">
      <h3 ref={heading} tabIndex={-1} id={`${id}-title`} className="text-lg font-semibold">
        Earlier versions
      </h3>
      {error ? <p role="alert" className="font-medium text-red-800 dark:text-red-300">{error}</p> : null}
      {versions === null && !error ? <p>Loading…</p> : null}
      {versions ? (
        <ol className="list-decimal space-y-1 pl-6">
          {versions.map((v) => (
            <li key={v.replacedAt}>
              <p className="whitespace-pre-wrap break-words">{v.body}</p>
              <p className="text-sm text-stone-700 dark:text-stone-300">
                Replaced {hydrated ? new Date(v.replacedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : v.replacedAt}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      <Button variant="secondary" onClick={onClose}>
        Close earlier versions
      </Button>
    </section>
  );
}
