import { describe, expect, it } from "vitest";
import { DEFAULT_SHORTCUTS, isTypingTarget, shortcutFor, shortcutSettings, ShortcutsFormSchema, stepPost, type KeyLike } from "#app/lib/shortcuts";

/** The thread page's keyboard shortcuts (app/lib/shortcuts.ts): key handling, settings and their form. */

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mods });
const body = { tagName: "BODY", isContentEditable: false };
const article = { tagName: "ARTICLE", isContentEditable: false };

describe("shortcuts: which key does what", () => {
  it("maps the default keys, with Shift allowed for ?", () => {
    expect(shortcutFor(key("j"), body, DEFAULT_SHORTCUTS)).toBe("next");
    expect(shortcutFor(key("k"), article, DEFAULT_SHORTCUTS)).toBe("previous");
    expect(shortcutFor(key("r"), body, DEFAULT_SHORTCUTS)).toBe("reply");
    expect(shortcutFor(key("u"), body, DEFAULT_SHORTCUTS)).toBe("firstUnread");
    expect(shortcutFor(key("?", { shiftKey: true } as Partial<KeyLike>), body, DEFAULT_SHORTCUTS)).toBe("help");
    expect(shortcutFor(key("x"), body, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("Enter"), body, DEFAULT_SHORTCUTS)).toBeNull();
  });

  it("never fires while typing, with Ctrl/Alt/Meta, for Shift+letter, during composition, when handled already, or when off", () => {
    for (const tagName of ["INPUT", "TEXTAREA", "SELECT", "input"]) expect(shortcutFor(key("j"), { tagName }, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("j"), { tagName: "DIV", isContentEditable: true }, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("j", { ctrlKey: true }), body, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("j", { altKey: true }), body, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("j", { metaKey: true }), body, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("J"), body, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("j", { isComposing: true }), body, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("j", { defaultPrevented: true }), body, DEFAULT_SHORTCUTS)).toBeNull();
    expect(shortcutFor(key("j"), body, { ...DEFAULT_SHORTCUTS, enabled: false })).toBeNull();
    expect(isTypingTarget(null)).toBe(false);
  });

  it("follows remapped keys: the new key works and the old one no longer does", () => {
    const s = shortcutSettings({ enabled: true, keys: { next: "n", previous: "p" } });
    expect(shortcutFor(key("n"), body, s)).toBe("next");
    expect(shortcutFor(key("j"), body, s)).toBeNull();
    expect(shortcutFor(key("p"), body, s)).toBe("previous");
    expect(shortcutFor(key("r"), body, s)).toBe("reply");
  });

  it("steps through posts from the focused one, or from the first on screen, stopping at the ends", () => {
    expect(stepPost(0, -1, -1, 1)).toBe(-1);
    expect(stepPost(5, -1, 2, 1)).toBe(2);
    expect(stepPost(5, -1, -1, -1)).toBe(0);
    expect(stepPost(5, 2, 0, 1)).toBe(3);
    expect(stepPost(5, 2, 0, -1)).toBe(1);
    expect(stepPost(5, 4, 0, 1)).toBe(4);
    expect(stepPost(5, 0, 0, -1)).toBe(0);
  });
});

describe("shortcuts: stored settings and the settings form", () => {
  it("reads stored settings leniently: missing, partial or broken values fall back to the defaults", () => {
    expect(shortcutSettings(undefined)).toEqual(DEFAULT_SHORTCUTS);
    expect(shortcutSettings("nonsense")).toEqual(DEFAULT_SHORTCUTS);
    expect(shortcutSettings({ enabled: "yes", keys: { next: "too long", reply: 7, help: "h" } })).toEqual({
      enabled: true,
      keys: { ...DEFAULT_SHORTCUTS.keys, help: "h" },
    });
    expect(shortcutSettings({ enabled: false }).enabled).toBe(false);
  });

  const form = { enabled: "on", next: "j", previous: "k", reply: "r", firstUnread: "u", help: "?" };

  it("accepts one visible character per action; letters are stored lower case; an unticked box turns them off", () => {
    expect(ShortcutsFormSchema.parse({ ...form, next: " N " })).toEqual({ enabled: true, keys: { ...DEFAULT_SHORTCUTS.keys, next: "n" } });
    expect(ShortcutsFormSchema.parse({ ...form, enabled: undefined }).enabled).toBe(false);
  });

  it("rejects duplicates on each field involved, reserved keys, empty and long values, with a message per field", () => {
    const errors = (input: Record<string, unknown>) => {
      const r = ShortcutsFormSchema.safeParse(input);
      return r.success ? {} : r.error.flatten().fieldErrors;
    };
    const dup = errors({ ...form, reply: "J" });
    expect(dup.next?.[0]).toMatch(/already used for “Go to the reply box”/);
    expect(dup.reply?.[0]).toMatch(/already used for “Next post”/);
    expect(errors({ ...form, help: "/" }).help?.[0]).toMatch(/kept for the browser/);
    expect(errors({ ...form, help: " " }).help?.[0]).toMatch(/kept for the browser/);
    expect(errors({ ...form, next: "" }).next?.[0]).toMatch(/exactly one character/);
    expect(errors({ ...form, next: "jj" }).next?.[0]).toMatch(/exactly one character/);
    expect(errors({ ...form, next: undefined }).next?.[0]).toMatch(/Choose a key/);
    expect(errors({ ...form, enabled: "yes" }).enabled?.[0]).toMatch(/Tick the box/);
  });
});
