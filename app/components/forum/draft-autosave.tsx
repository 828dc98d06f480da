import { Link, useLocation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { DraftView } from "#app/modules/forums/drafts.schema";

/**
 * Drafts that are never lost (issue 15), for a compose form (new thread, reply, edit). Rendered
 * inside the form; it listens to the form's own fields by name, so the form stays a plain form
 * (without JS it still posts normally).
 *
 * - Every keystroke is mirrored into localStorage (per person and key): a crash, a closed tab or an
 *   expired session loses nothing.
 * - About 2 s after the person pauses typing (no save button, no time limit), and on leaving the
 *   form, hiding the tab or leaving the page (fetch keepalive), the text is saved to the server
 *   (POST /drafts). Plain fetch, not a fetcher: a fetcher's action would re-run every loader on the
 *   page each time.
 * - On load the server's draft (from the loader) and the local copy are compared: the local copy wins
 *   when it has keystrokes the server has not seen and no other device saved since.
 * - A save answering 401 keeps the local copy and offers to sign in, coming back here.
 * - A save refused because another tab saved newer text offers "Keep mine" or "Use the newer one".
 */

const SAVE_AFTER_MS = 2000;

interface LocalCopy {
  title: string;
  body: string;
  /** The server revision this text builds on. */
  revision: number;
  /** Typed since the last save the server accepted. */
  dirty: boolean;
  /** Posted: the write path deletes the server draft; once it is gone, so is this. */
  submitted?: boolean;
  at: number;
}

type Status =
  | { kind: "none" }
  | { kind: "saved"; at: number }
  | { kind: "restored"; at: number }
  | { kind: "signed-out" }
  | { kind: "error"; message: string }
  | { kind: "conflict"; stored: DraftView; message: string };

const storageKey = (userId: string, key: string) => `hearth:draft:${userId}:${key}`;

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

function readLocal(userId: string, key: string): LocalCopy | null {
  try {
    const raw = storage()?.getItem(storageKey(userId, key));
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<LocalCopy>;
    return typeof v.body === "string" ? { title: v.title ?? "", body: v.body, revision: Number(v.revision) || 0, dirty: !!v.dirty, submitted: !!v.submitted, at: Number(v.at) || 0 } : null;
  } catch {
    return null;
  }
}

function writeLocal(userId: string, key: string, copy: LocalCopy) {
  try {
    storage()?.setItem(storageKey(userId, key), JSON.stringify(copy));
  } catch {
    /* storage full or refused: the server copy still saves */
  }
}

function removeLocal(userId: string, key: string) {
  try {
    storage()?.removeItem(storageKey(userId, key));
  } catch {
    /* nothing to do */
  }
}

/** Forgets this device's copy of a draft (any person's key on this device: discarded from the home page). */
export function forgetLocalDraft(key: string) {
  const store = storage();
  if (!store) return;
  try {
    for (let i = store.length - 1; i >= 0; i--) {
      const k = store.key(i);
      if (k?.startsWith("hearth:draft:") && k.endsWith(`:${key}`)) store.removeItem(k);
    }
  } catch {
    /* nothing to do */
  }
}

/** Sets a field's value the way typing would, so React and Conform see the change. */
function setFieldValue(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  if (el.value === value) return;
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, "value")?.set?.call(el, value);
  el.dispatchEvent(new Event("input", { bubbles: true }));
}

const timeText = (ms: number) => new Date(ms).toLocaleString(undefined, { hour: "2-digit", minute: "2-digit", day: "numeric", month: "short" });

export function DraftAutosave({
  formId,
  draftKey,
  userId,
  server,
  original = { title: "", body: "" },
  titleName,
  bodyName = "body",
}: {
  formId: string;
  draftKey: string;
  userId: string;
  /** The server's draft, from the loader (null: none). */
  server: DraftView | null;
  /** What the form starts with when there is no draft (an edit: the post as it is). */
  original?: { title: string; body: string };
  /** The title field's name, for forms that have one. */
  titleName?: string;
  bodyName?: string;
}) {
  const location = useLocation();
  const [status, setStatus] = useState<Status>({ kind: "none" });
  const revision = useRef(server?.revision ?? 0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef(false);
  const again = useRef(false);
  const posting = useRef(false);
  /** Set while this component writes the fields itself (a restore), so that is not typing. */
  const applying = useRef(false);

  const fields = useCallback(() => {
    const form = document.getElementById(formId) as HTMLFormElement | null;
    const named = (name: string | undefined) => {
      const el = name && form ? form.elements.namedItem(name) : null;
      return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el : null;
    };
    return { form, title: named(titleName), body: named(bodyName) };
  }, [formId, titleName, bodyName]);

  const current = useCallback(() => {
    const f = fields();
    return { title: f.title?.value ?? "", body: f.body?.value ?? "" };
  }, [fields]);

  const apply = useCallback(
    (text: { title: string; body: string }) => {
      const f = fields();
      applying.current = true;
      try {
        if (f.title) setFieldValue(f.title, text.title);
        if (f.body) setFieldValue(f.body, text.body);
      } finally {
        applying.current = false;
      }
    },
    [fields],
  );

  const body = useCallback(
    (intent: "save" | "discard", text?: { title: string; body: string }, rev?: number) => {
      const data = new URLSearchParams({ intent, key: draftKey });
      if (text) {
        data.set("title", text.title);
        data.set("body", text.body);
        data.set("revision", String(rev ?? revision.current));
      }
      return data;
    },
    [draftKey],
  );

  /** Saves what the form holds now (one request at a time; a change during one saves again after). */
  const save = useCallback(
    async (rev?: number) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (posting.current) return;
      if (inFlight.current) {
        again.current = true;
        return;
      }
      const local = readLocal(userId, draftKey);
      if (local && !local.dirty && rev === undefined) return;
      const text = current();
      inFlight.current = true;
      try {
        const res = await fetch("/drafts", { method: "POST", body: body("save", text, rev), credentials: "same-origin", headers: { Accept: "application/json" } });
        const result = (await res.json().catch(() => null)) as { ok?: boolean; message?: string; draft?: DraftView | null; stored?: DraftView } | null;
        if (posting.current) return;
        if (res.status === 401) return setStatus({ kind: "signed-out" });
        if (res.status === 409 && result?.stored) return setStatus({ kind: "conflict", stored: result.stored, message: result.message ?? "" });
        if (!res.ok || !result?.ok) return setStatus({ kind: "error", message: result?.message ?? "This draft could not be saved just now; it is kept on this device." });
        revision.current = result.draft?.revision ?? 0;
        const latest = current();
        const changed = latest.title !== text.title || latest.body !== text.body;
        writeLocal(userId, draftKey, { ...latest, revision: revision.current, dirty: changed, at: Date.now() });
        setStatus({ kind: "saved", at: Date.now() });
      } catch {
        setStatus({ kind: "error", message: "This draft could not reach the server; it is kept on this device and saves when you're back online." });
      } finally {
        inFlight.current = false;
        if (again.current) {
          again.current = false;
          void save();
        }
      }
    },
    [userId, draftKey, current, body],
  );

  /** Leaving the page: one last save that outlives it. */
  const saveOnLeave = useCallback(() => {
    const local = readLocal(userId, draftKey);
    if (posting.current || !local?.dirty) return;
    try {
      void fetch("/drafts", { method: "POST", body: body("save", current()), credentials: "same-origin", keepalive: true });
    } catch {
      /* the local copy is there */
    }
  }, [userId, draftKey, current, body]);

  // On load: restore the newest of the server's draft and the local copy.
  useEffect(() => {
    const local = readLocal(userId, draftKey);
    if (local?.submitted && !server) {
      // Posted, and the server's draft went with it.
      removeLocal(userId, draftKey);
      return;
    }
    const localWins = local && local.dirty && (!server || local.revision >= server.revision || local.at > Date.parse(server.updatedAt));
    if (localWins) {
      apply(local);
      revision.current = server?.revision ?? local.revision;
      writeLocal(userId, draftKey, { ...local, submitted: false, revision: revision.current });
      setStatus({ kind: "restored", at: local.at });
      timer.current = setTimeout(() => void save(), SAVE_AFTER_MS);
    } else if (server) {
      apply(server);
      revision.current = server.revision;
      writeLocal(userId, draftKey, { title: server.title, body: server.body, revision: server.revision, dirty: false, at: Date.parse(server.updatedAt) });
      setStatus({ kind: "restored", at: Date.parse(server.updatedAt) });
    }
    // Once per form and draft: later loader data (after a post) is handled below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId, draftKey]);

  // After a reply went through on the same page (the action redirected: a new location, and the
  // loader's draft is gone), so is the local copy.
  useEffect(() => {
    if (server || !readLocal(userId, draftKey)?.submitted) return;
    removeLocal(userId, draftKey);
    posting.current = false;
    revision.current = 0;
    setStatus({ kind: "none" });
  }, [server, userId, draftKey, location.key]);

  // Listen to the form: every keystroke to localStorage, a save after a pause, on leaving the form and the page.
  useEffect(() => {
    const { form } = fields();
    if (!form) return;
    const onInput = (e: Event) => {
      const name = (e.target as HTMLInputElement | null)?.name;
      if (applying.current || (name !== bodyName && name !== titleName)) return;
      posting.current = false;
      writeLocal(userId, draftKey, { ...current(), revision: revision.current, dirty: true, at: Date.now() });
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void save(), SAVE_AFTER_MS);
    };
    const onFocusOut = (e: FocusEvent) => {
      if (e.relatedTarget instanceof Node && form.contains(e.relatedTarget)) return;
      if (readLocal(userId, draftKey)?.dirty) void save();
    };
    const onSubmit = (e: SubmitEvent) => {
      const submitter = e.submitter as HTMLButtonElement | null;
      if (submitter?.value !== "post") return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      posting.current = true;
      const local = readLocal(userId, draftKey);
      writeLocal(userId, draftKey, { ...(local ?? { revision: revision.current, dirty: true }), ...current(), submitted: true, at: Date.now() });
    };
    const onHide = () => {
      if (document.visibilityState === "hidden") saveOnLeave();
    };
    form.addEventListener("input", onInput);
    form.addEventListener("focusout", onFocusOut);
    form.addEventListener("submit", onSubmit);
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", saveOnLeave);
    return () => {
      form.removeEventListener("input", onInput);
      form.removeEventListener("focusout", onFocusOut);
      form.removeEventListener("submit", onSubmit);
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", saveOnLeave);
    };
  }, [fields, bodyName, titleName, userId, draftKey, current, save, saveOnLeave]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const discard = async () => {
    if (timer.current) clearTimeout(timer.current);
    removeLocal(userId, draftKey);
    apply(original);
    revision.current = 0;
    setStatus({ kind: "none" });
    await fetch("/drafts", { method: "POST", body: body("discard"), credentials: "same-origin" }).catch(() => null);
    removeLocal(userId, draftKey);
    fields().body?.focus();
  };

  if (status.kind === "none") return null;
  const here = `${location.pathname}${location.search}`;
  const button = "inline-flex min-h-11 min-w-11 items-center rounded-lg px-2 font-semibold underline underline-offset-2";
  return (
    <div aria-live="polite" className="space-y-2 text-sm" data-draft-status={status.kind}>
      {status.kind === "saved" ? (
        <p>
          Draft saved <span className="text-stone-600 dark:text-stone-300">· {timeText(status.at)}</span>
        </p>
      ) : null}
      {status.kind === "restored" ? (
        <p className="flex flex-wrap items-center gap-x-2">
          <span>Draft restored from {timeText(status.at)}</span>
          <span aria-hidden="true">·</span>
          <button type="button" className={button} onClick={() => void discard()}>
            Discard draft
          </button>
        </p>
      ) : null}
      {status.kind === "signed-out" ? (
        <p className="rounded-lg border-2 border-amber-700 p-3 dark:border-amber-300">
          You're signed out — your text is kept on this device.{" "}
          <Link to={`/signin?redirectTo=${encodeURIComponent(here)}`} className={button}>
            Sign in to post it.
          </Link>
        </p>
      ) : null}
      {status.kind === "error" ? <p className="rounded-lg border-2 border-red-700 p-3 dark:border-red-300">{status.message}</p> : null}
      {status.kind === "conflict" ? (
        <div className="space-y-2 rounded-lg border-2 border-amber-700 p-3 dark:border-amber-300">
          <p>{status.message}</p>
          <p className="text-stone-700 dark:text-stone-200">Newer text, saved {timeText(Date.parse(status.stored.updatedAt))}: “{(status.stored.title || status.stored.body).slice(0, 120)}”</p>
          <div className="flex flex-wrap gap-3">
            <button type="button" className={button} onClick={() => void save(status.stored.revision)}>
              Keep mine
            </button>
            <button
              type="button"
              className={button}
              onClick={() => {
                apply(status.stored);
                revision.current = status.stored.revision;
                writeLocal(userId, draftKey, { title: status.stored.title, body: status.stored.body, revision: status.stored.revision, dirty: false, at: Date.now() });
                setStatus({ kind: "saved", at: Date.parse(status.stored.updatedAt) });
              }}
            >
              Use the newer one
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
