import { Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { Button } from "#app/components/ui/button";
import { usePreferences } from "#app/lib/preferences";
import { SHORTCUT_ACTIONS, SHORTCUT_INFO, shortcutFor, shortcutSettings, stepPost, type ShortcutAction } from "#app/lib/shortcuts";
import { reducedMotion } from "#app/lib/preferences";

/**
 * The thread page's keyboard shortcuts (app/lib/shortcuts.ts holds the key logic) and their help
 * dialog, which a visible button opens too. The page is found by DOM: posts are
 * `article.post-card` (focusable, tabindex -1), the reply box is the textarea of the reply
 * section, and the first unread post is `[data-first-unread]` (or the "first unread" link).
 */

const POSTS = "article.post-card";

function focusPost(el: HTMLElement) {
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: "start", behavior: reducedMotion() ? "auto" : "smooth" });
}

function firstUnreadLink(): HTMLElement | null {
  const marked = document.querySelector<HTMLElement>("[data-first-unread]");
  if (marked) return marked;
  return [...document.querySelectorAll<HTMLAnchorElement>("a")].find((a) => /first unread/i.test(a.textContent ?? "")) ?? null;
}

function run(action: Exclude<ShortcutAction, "help">) {
  if (action === "reply") {
    document.querySelector<HTMLTextAreaElement>('section[aria-labelledby="reply-heading"] textarea')?.focus();
    return;
  }
  if (action === "firstUnread") {
    const link = firstUnreadLink();
    if (!link) return;
    const href = link.getAttribute("href") ?? "";
    const target = href.startsWith("#") ? document.getElementById(href.slice(1)) : null;
    // On this page: focus the post itself; on another page, follow the link (RouteFocus then
    // focuses its #post target).
    if (target) focusPost(target);
    else link.click();
    return;
  }
  const posts = [...document.querySelectorAll<HTMLElement>(POSTS)];
  const focused = posts.findIndex((p) => p.contains(document.activeElement));
  const onScreen = posts.findIndex((p) => p.getBoundingClientRect().bottom > 0);
  const i = stepPost(posts.length, focused, onScreen, action === "next" ? 1 : -1);
  if (i >= 0) focusPost(posts[i]!);
}

export function ThreadShortcuts() {
  const settings = shortcutSettings(usePreferences()?.shortcuts);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  // The list is rendered while the dialog is open only: every thread page would otherwise carry it.
  const [open, setOpen] = useState(false);

  function openHelp() {
    const d = dialog.current;
    if (!d || d.open) return;
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    flushSync(() => setOpen(true));
    d.showModal();
  }

  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (dialog.current?.open) return;
      const action = shortcutFor(e, document.activeElement as HTMLElement | null, settingsRef.current);
      if (!action) return;
      e.preventDefault();
      if (action === "help") openHelp();
      else run(action);
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  return (
    <>
      <Button variant="secondary" onClick={openHelp} aria-haspopup="dialog">
        Keyboard shortcuts
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby="shortcuts-title"
        // Escape closes natively; focus goes back to what had it before the dialog opened.
        onClose={() => {
          setOpen(false);
          opener.current?.focus();
        }}
        className="max-w-lg rounded-xl border-2 border-stone-400 bg-white p-6 text-stone-900 backdrop:bg-stone-950/60 dark:bg-stone-900 dark:text-stone-50"
      >
        {open ? (
          <>
            <h2 id="shortcuts-title" className="text-2xl">
              Keyboard shortcuts
            </h2>
            {settings.enabled ? (
              <>
                <p className="mt-2">Press a key while you are not typing in a box:</p>
                <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2" data-testid="shortcut-list">
                  {SHORTCUT_ACTIONS.map((a) => (
                    <div key={a} className="contents">
                      <dt>
                        <kbd className="rounded border-2 border-stone-500 px-2 font-mono">{settings.keys[a]}</kbd>
                      </dt>
                      <dd>{SHORTCUT_INFO[a].label}</dd>
                    </div>
                  ))}
                </dl>
              </>
            ) : (
              <p className="mt-2">Single-key shortcuts are turned off for your account.</p>
            )}
            <p className="mt-3">
              <Link to="/settings/accessibility" className="inline-flex min-h-11 items-center">
                Change or turn off the shortcuts
              </Link>
            </p>
            <form method="dialog" className="mt-4">
              <Button type="submit">
                Close
              </Button>
            </form>
          </>
        ) : null}
      </dialog>
    </>
  );
}
