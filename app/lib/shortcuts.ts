import { z } from "zod";

/**
 * Keyboard shortcuts for reading and replying (the thread page), Discourse-like single keys. Pure
 * and client-safe: the key handling is unit-tested (tests/unit/shortcuts.test.ts), the component
 * (app/components/shortcuts/thread-shortcuts.tsx) wires it to the page. WCAG 2.1.4: a member can
 * turn them off or remap each one (settings → accessibility), stored in preferences.shortcuts.
 */

export const SHORTCUT_ACTIONS = ["next", "previous", "reply", "firstUnread", "help"] as const;
export type ShortcutAction = (typeof SHORTCUT_ACTIONS)[number];

export const SHORTCUT_INFO: Record<ShortcutAction, { label: string; defaultKey: string }> = {
  next: { label: "Next post", defaultKey: "j" },
  previous: { label: "Previous post", defaultKey: "k" },
  reply: { label: "Go to the reply box", defaultKey: "r" },
  firstUnread: { label: "Jump to the first unread post", defaultKey: "u" },
  help: { label: "Show this list of shortcuts", defaultKey: "?" },
};

export interface ShortcutSettings {
  enabled: boolean;
  keys: Record<ShortcutAction, string>;
}

export const DEFAULT_SHORTCUTS: ShortcutSettings = {
  enabled: true,
  keys: Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, SHORTCUT_INFO[a].defaultKey])) as Record<ShortcutAction, string>,
};

/**
 * Keys a shortcut may not take: space scrolls the page, and / and ' open the browser's quick find
 * (Firefox). Letters are stored in lower case, so the same letter can't be bound twice by case.
 */
export const RESERVED_KEYS = [" ", "/", "'"] as const;

/** The stored value read leniently (missing, old or partial settings fall back to the defaults). */
export function shortcutSettings(stored: unknown): ShortcutSettings {
  const s = (typeof stored === "object" && stored !== null ? stored : {}) as { enabled?: unknown; keys?: Record<string, unknown> };
  const keys = { ...DEFAULT_SHORTCUTS.keys };
  for (const a of SHORTCUT_ACTIONS) {
    const k = s.keys?.[a];
    if (typeof k === "string" && [...k].length === 1) keys[a] = k;
  }
  return { enabled: typeof s.enabled === "boolean" ? s.enabled : DEFAULT_SHORTCUTS.enabled, keys };
}

/** What a keydown looks like to the handler (a KeyboardEvent has all of these). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
}

/** Where typing happens: a key pressed there is text, never a shortcut. */
export function isTypingTarget(el: { tagName?: string; isContentEditable?: boolean } | null | undefined): boolean {
  if (!el) return false;
  const tag = el.tagName?.toUpperCase();
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable === true;
}

/**
 * The action a key press asks for, or null: never while typing, with Ctrl, Alt or Meta held
 * (those are the browser's and the screen reader's), during IME composition, or when off. Shift is
 * allowed, since it is how "?" is typed.
 */
export function shortcutFor(event: KeyLike, target: Parameters<typeof isTypingTarget>[0], settings: ShortcutSettings): ShortcutAction | null {
  if (!settings.enabled || event.ctrlKey || event.altKey || event.metaKey || event.isComposing || event.defaultPrevented) return null;
  if (isTypingTarget(target) || [...event.key].length !== 1) return null;
  if (/^[A-Z]$/.test(event.key)) return null; // Shift+letter is not the letter's shortcut
  return SHORTCUT_ACTIONS.find((a) => settings.keys[a] === event.key) ?? null;
}

/**
 * The post to focus for next/previous: from the focused post (or, when none is, the first one on
 * screen) one step on, stopping at either end. -1 when there are no posts.
 */
export function stepPost(count: number, focused: number, firstOnScreen: number, dir: 1 | -1): number {
  if (count === 0) return -1;
  if (focused < 0) return Math.min(Math.max(firstOnScreen, 0), count - 1);
  return Math.min(Math.max(focused + dir, 0), count - 1);
}

const keyField = z
  .string({ required_error: "Choose a key." })
  .transform((s) => {
    const t = s.trim();
    return /^[A-Za-z]$/.test(t) ? t.toLowerCase() : t || s;
  })
  .refine((s) => [...s].length === 1, "Use exactly one character.")
  .refine((s) => !(RESERVED_KEYS as readonly string[]).includes(s), "That key is kept for the browser (space, / and ' can't be used).")
  .refine((s) => /^\S$/u.test(s), "Use a visible character.");

/** The settings form: the on/off box and one one-character box per action; no key may serve two actions. */
export const ShortcutsFormSchema = z
  .object({
    enabled: z
      .enum(["on"], { message: "Tick the box or leave it empty." })
      .optional()
      .transform((v) => v === "on"),
    ...(Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, keyField])) as Record<ShortcutAction, typeof keyField>),
  })
  .superRefine((v, ctx) => {
    for (const a of SHORTCUT_ACTIONS) {
      const other = SHORTCUT_ACTIONS.find((b) => b !== a && v[b] === v[a]);
      if (other) ctx.addIssue({ code: "custom", path: [a], message: `“${v[a]}” is already used for “${SHORTCUT_INFO[other].label}”. Choose another key.` });
    }
  })
  .transform((v): ShortcutSettings => ({ enabled: v.enabled, keys: Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, v[a]])) as Record<ShortcutAction, string> }));
