import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from "react";
import { CrisisPrompt } from "#app/components/moderation/crisis-prompt";
import { Button } from "#app/components/ui/button";
import { StaffBadge } from "#app/components/ui/staff-badge";
import { secondsText } from "#app/lib/plural";
import { MAX_MESSAGE_CHARS, muteChoices, slowModeChoices } from "#app/modules/chat/chat.schema";
import { reportReasonLabels, reportReasons } from "#app/modules/moderation/moderation.schema";
import type { ChatMessage } from "#app/realtime/events";
import { useRoom, type Connection, type Pending, type RoomInitial } from "#app/realtime/use-room";

type Self = { id: string; displayName: string };
type ActionKind = "delete" | "mute" | "ban" | "report";

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

function prefersReducedMotion() {
  return typeof window !== "undefined" && window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
}

/** Local time once hydrated (the server doesn't know the reader's zone); UTC before that. */
function Time({ iso, hydrated }: { iso: string; hydrated: boolean }) {
  const d = new Date(iso);
  const text = hydrated
    ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
    : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return (
    <time dateTime={iso} className="text-sm text-stone-700 dark:text-stone-300">
      {text}
    </time>
  );
}

function untilText(iso: string | null, hydrated: boolean) {
  if (!iso) return "";
  const d = new Date(iso);
  return hydrated ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function ConnectionStatus({ connection }: { connection: Connection }) {
  const text: Record<Connection, string> = {
    connecting: "Connecting to the room…",
    online: "",
    reconnecting: "Reconnecting… The connection dropped. We will catch up on anything you missed as soon as it is back.",
    "signed-out": "You were signed out, so the chat stopped. Sign in again to keep chatting.",
  };
  return (
    <div role="status" className={connection === "online" ? "" : "rounded-lg border-2 border-amber-700 bg-amber-50 p-3 font-semibold text-amber-950 dark:bg-amber-950 dark:text-amber-50"}>
      {connection === "reconnecting" ? <span aria-hidden="true" className="mr-2 inline-block motion-safe:animate-pulse">●</span> : null}
      {text[connection]}
      {connection === "signed-out" ? (
        <>
          {" "}
          <a href="/signin" className="inline-flex min-h-11 items-center underline">
            Sign in
          </a>
        </>
      ) : null}
    </div>
  );
}

function MessageItem({
  message,
  self,
  canModerate,
  canReport,
  hydrated,
  pinned,
  onAction,
  onPin,
}: {
  message: ChatMessage;
  self: Self;
  canModerate: boolean;
  canReport: boolean;
  hydrated: boolean;
  pinned: boolean;
  onAction: (kind: ActionKind, message: ChatMessage) => void;
  onPin: (message: ChatMessage | null) => void;
}) {
  const own = message.author.id === self.id;
  const options = !message.deleted && (canModerate || (canReport && !own));
  return (
    <li className="border-b border-stone-200 py-3 dark:border-stone-700" data-seq={message.seq} data-testid="chat-message">
      <div className="flex flex-wrap items-baseline gap-x-3">
        <span className="font-semibold">{message.author.displayName}</span>
        <StaffBadge role={message.author.staff} />
        <Time iso={message.createdAt} hydrated={hydrated} />
        {pinned ? <span className="text-sm font-semibold text-brand-800 dark:text-brand-100">Pinned</span> : null}
      </div>
      {message.deleted ? (
        <p className="italic text-stone-700 dark:text-stone-300">Message deleted by a moderator.</p>
      ) : (
        <p className="whitespace-pre-wrap break-words text-lg">{message.body}</p>
      )}
      {options ? (
        <details className="mt-1">
          <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg px-2 text-base text-brand-800 underline underline-offset-2 dark:text-brand-100">
            Options<span className="sr-only"> for the message from {message.author.displayName}</span>
          </summary>
          <div className="mt-2 flex flex-wrap gap-2">
            {canReport && !own ? (
              <Button variant="secondary" onClick={() => onAction("report", message)}>
                Report
              </Button>
            ) : null}
            {canModerate ? (
              <>
                <Button variant="danger" onClick={() => onAction("delete", message)}>
                  Delete
                </Button>
                <Button variant="secondary" onClick={() => onPin(pinned ? null : message)}>
                  {pinned ? "Unpin" : "Pin"}
                </Button>
                {!own ? (
                  <>
                    <Button variant="secondary" onClick={() => onAction("mute", message)}>
                      Mute {message.author.displayName}
                    </Button>
                    <Button variant="secondary" onClick={() => onAction("ban", message)}>
                      Remove {message.author.displayName} from room
                    </Button>
                  </>
                ) : null}
              </>
            ) : null}
          </div>
        </details>
      ) : null}
    </li>
  );
}

function PendingItem({ pending, self, onRetry, onDiscard, onEdit }: { pending: Pending; self: Self; onRetry: () => void; onDiscard: () => void; onEdit: () => void }) {
  return (
    <li className="border-b border-stone-200 py-3 dark:border-stone-700" data-testid="chat-pending">
      <div className="flex flex-wrap items-baseline gap-x-3">
        <span className="font-semibold">{self.displayName}</span>
        <span className="text-sm text-stone-700 dark:text-stone-300">
          {{ sending: "Sending…", waiting: "Waiting for the connection: it will be sent when you are back online", failed: "Not sent" }[pending.status]}
        </span>
      </div>
      <p className="whitespace-pre-wrap break-words text-lg text-stone-700 dark:text-stone-300">{pending.body}</p>
      {pending.status === "failed" ? (
        <div className="mt-1 space-y-2">
          <p className="font-medium text-red-800 dark:text-red-300">{pending.error}</p>
          <div className="flex flex-wrap gap-2">
            <Button onClick={onRetry}>Retry</Button>
            <Button variant="secondary" onClick={onEdit}>
              Edit
            </Button>
            <Button variant="quiet" onClick={onDiscard}>
              Discard
            </Button>
          </div>
        </div>
      ) : null}
    </li>
  );
}

/** The reason form for delete / mute / remove / report. Focus moves into it when it opens. */
function ActionForm({
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

function Composer({
  blockedReason,
  onSend,
  onTyping,
  draft,
  setDraft,
  inputRef,
}: {
  blockedReason: string | null;
  onSend: (body: string) => void;
  onTyping: (typing: boolean) => void;
  draft: string;
  setDraft: (s: string) => void;
  inputRef: RefObject<HTMLTextAreaElement>;
}) {
  const [error, setError] = useState<string | null>(null);
  const blocked = blockedReason !== null;
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
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
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
        Enter sends. Shift+Enter starts a new line.
      </p>
      {blocked ? (
        <p id="chat-message-blocked" className="rounded-lg border-2 border-red-700 bg-red-50 p-3 font-semibold text-red-900 dark:bg-red-950 dark:text-red-100">
          {blockedReason}
        </p>
      ) : null}
      <textarea
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

function ModeratorTools({
  room,
  request,
}: {
  room: { id: string; locked: boolean; slowModeSeconds: number };
  request: ReturnType<typeof useRoom>["request"];
}) {
  const [status, setStatus] = useState<{ ok: boolean; message: string } | null>(null);
  const [slow, setSlow] = useState(room.slowModeSeconds);
  async function run(work: Promise<{ ok: boolean; error?: { message: string } }>, done: string) {
    const res = await work;
    setStatus(res.ok ? { ok: true, message: done } : { ok: false, message: res.error?.message ?? "That did not work." });
  }
  return (
    <section aria-labelledby="mod-tools-title" className="space-y-3 rounded-lg border-2 border-stone-300 p-4 dark:border-stone-600">
      <h2 id="mod-tools-title" className="text-xl">
        Moderator tools
      </h2>
      <Button
        variant="secondary"
        onClick={() => run(request("room:lock", { roomId: room.id, locked: !room.locked }), room.locked ? "Room unlocked." : "Room locked.")}
      >
        {room.locked ? "Unlock room" : "Lock room (read-only)"}
      </Button>
      <div className="flex flex-col gap-1">
        <label htmlFor="slow-mode" className="font-semibold">
          Slow mode
        </label>
        <select
          id="slow-mode"
          value={slow}
          onChange={(e) => setSlow(Number(e.target.value))}
          className="min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 text-lg dark:bg-stone-800"
        >
          {slowModeChoices.map((s) => (
            <option key={s} value={s}>
              {s === 0 ? "Off" : `One message every ${secondsText(s)}`}
            </option>
          ))}
        </select>
        <Button variant="secondary" onClick={() => run(request("room:slow-mode", { roomId: room.id, seconds: slow }), "Slow mode updated.")}>
          Set slow mode
        </Button>
      </div>
      <p role="status" className={status && !status.ok ? "text-red-800 dark:text-red-300" : ""}>
        {status?.message}
      </p>
    </section>
  );
}

export function ChatRoom({ roomId, initial, self }: { roomId: string; initial: RoomInitial; self: Self }) {
  const { state, send, retry, discard, loadOlder, setTyping, request, crisisPrompt, dismissCrisisPrompt } = useRoom({ roomId, initial, self });
  const hydrated = useHydrated();
  const [draft, setDraft] = useState("");
  const [action, setAction] = useState<{ kind: ActionKind; message: ChatMessage } | null>(null);
  const [actionStatus, setActionStatus] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const stick = useRef(true);
  const { room, you } = state;
  const canReport = !state.removed;

  // Keep the newest message in view while the reader is at the bottom; never yank them back up.
  const lastKey = `${state.messages.at(-1)?.id ?? ""}:${state.pending.length}`;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTo({ top: el.scrollHeight, behavior: prefersReducedMotion() ? "auto" : "smooth" });
  }, [lastKey]);

  const blockedReason = state.removed ?? state.joinError ?? (you.canSend ? null : (you.sendBlockedReason ?? "You can't send messages here."));
  const typists = state.typing;

  async function submitAction(values: { reason: string; minutes: number; details: string }) {
    if (!action) return null;
    const { kind, message } = action;
    const res =
      kind === "delete"
        ? await request("message:delete", { messageId: message.id, reason: values.reason })
        : kind === "mute"
          ? await request("user:mute", { roomId, userId: message.author.id, minutes: values.minutes, reason: values.reason })
          : kind === "ban"
            ? await request("user:ban", { roomId, userId: message.author.id, reason: values.reason })
            : await request("message:report", { messageId: message.id, reason: values.reason as "spam", details: values.details });
    if (!res.ok) return res.error.message;
    setAction(null);
    setActionStatus(
      { delete: "Message deleted.", mute: `${message.author.displayName} is muted.`, ban: `${message.author.displayName} was removed from the room.`, report: "Thank you. The moderators will look at your report." }[kind],
    );
    return null;
  }

  return (
    <div className="space-y-4">
      <ConnectionStatus connection={state.connection} />
      {/* New messages and notices are read out politely, without moving focus. */}
      <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="chat-live">
        {state.announcement}
      </div>
      {room.locked ? <p className="rounded-lg bg-stone-200 p-3 font-semibold dark:bg-stone-700">This room is locked: it is read-only for now.</p> : null}
      {room.slowModeSeconds > 0 ? <p className="font-semibold">Slow mode: one message every {secondsText(room.slowModeSeconds)} per person.</p> : null}
      {room.pinned ? (
        <section aria-labelledby="pinned-title" className="rounded-lg border-2 border-brand-700 p-3 dark:border-brand-100">
          <h2 id="pinned-title" className="text-base font-semibold">
            Pinned message from {room.pinned.author.displayName}
          </h2>
          <p className="whitespace-pre-wrap break-words">{room.pinned.body}</p>
        </section>
      ) : null}
      {state.notices.length ? (
        <ul aria-label="Room notices" className="space-y-1 text-base">
          {state.notices.map((n) => (
            <li key={n.id} className="rounded-lg bg-stone-100 px-3 py-2 dark:bg-stone-800">
              {n.message}
            </li>
          ))}
        </ul>
      ) : null}

      <div className="grid grid-cols-1 gap-6 md:grid-cols-[minmax(0,1fr)_16rem]">
        <section aria-labelledby="messages-title" className="min-w-0 space-y-3">
          <h2 id="messages-title" className="sr-only">
            Messages
          </h2>
          {state.hasOlder ? (
            <Button variant="secondary" onClick={() => void loadOlder()} disabled={state.loadingOlder || state.connection !== "online"}>
              {state.loadingOlder ? "Loading…" : "Load older messages"}
            </Button>
          ) : (
            <p className="text-sm text-stone-700 dark:text-stone-300">This is the start of the room.</p>
          )}
          <div
            ref={scroller}
            tabIndex={0}
            role="region"
            aria-label="Message history"
            onScroll={(e) => {
              const el = e.currentTarget;
              stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
            }}
            className="max-h-[60vh] overflow-y-auto rounded-lg border-2 border-stone-300 px-3 dark:border-stone-600"
          >
            {state.messages.length === 0 && state.pending.length === 0 ? <p className="py-6">No messages yet. Say hello!</p> : null}
            <ol className="list-none">
              {state.messages.map((m) => (
                <MessageItem
                  key={m.id}
                  message={m}
                  self={self}
                  canModerate={you.canModerate}
                  canReport={canReport}
                  hydrated={hydrated}
                  pinned={room.pinned?.id === m.id}
                  onAction={(kind, message) => {
                    setActionStatus(null);
                    setAction({ kind, message });
                  }}
                  onPin={(message) => void request("room:pin", { roomId, messageId: message?.id ?? null })}
                />
              ))}
              {state.pending.map((p) => (
                <PendingItem
                  key={p.clientId}
                  pending={p}
                  self={self}
                  onRetry={() => void retry(p)}
                  onDiscard={() => discard(p.clientId)}
                  onEdit={() => {
                    setDraft(p.body);
                    discard(p.clientId);
                    input.current?.focus();
                  }}
                />
              ))}
            </ol>
          </div>
          <p className="min-h-6 text-base text-stone-700 dark:text-stone-300" data-testid="typing">
            {typists.length === 1 ? `${typists[0]!.displayName} is typing…` : typists.length > 1 ? `${typists.length} people are typing…` : ""}
          </p>
          {action ? (
            <ActionForm
              key={`${action.kind}-${action.message.id}`}
              kind={action.kind}
              message={action.message}
              onCancel={() => setAction(null)}
              onSubmit={submitAction}
            />
          ) : null}
          <p role="status">{actionStatus}</p>
          {crisisPrompt ? <CrisisPrompt onDismiss={dismissCrisisPrompt} /> : null}
          {you.mutedUntil && !you.canSend && hydrated ? (
            <p className="sr-only">Muted until {untilText(you.mutedUntil, hydrated)}.</p>
          ) : null}
          <Composer blockedReason={blockedReason} onSend={(b) => void send(b)} onTyping={setTyping} draft={draft} setDraft={setDraft} inputRef={input} />
        </section>

        <aside className="space-y-4" aria-label="About this room">
          <section aria-labelledby="presence-title" className="space-y-2">
            <h2 id="presence-title" className="text-xl">
              Here now{state.presence ? ` (${state.presence.count})` : ""}
            </h2>
            {state.presence ? (
              <ul className="space-y-1" data-testid="presence">
                {state.presence.people.map((p) => (
                  <li key={p.id}>
                    {p.displayName}
                    {p.id === self.id ? " (you)" : ""}
                  </li>
                ))}
              </ul>
            ) : (
              <p>…</p>
            )}
          </section>
          {you.canModerate ? <ModeratorTools key={`${room.locked}-${room.slowModeSeconds}`} room={room} request={request} /> : null}
        </aside>
      </div>
    </div>
  );
}
