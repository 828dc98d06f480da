import { useRouteLoaderData } from "@remix-run/react";
import type { AccountPreferences } from "#db/schema/accounts";

/**
 * Accessibility preferences on the page: the root layout puts them on <html> as data attributes
 * (server-rendered, so no flash of the wrong theme or size) and app/tailwind.css styles from them.
 * The root loader sends DEFAULT_PREFERENCES for visitors (what their system asks for); `undefined`
 * (a root loader that threw) renders the same system defaults.
 * Only types come from #db here: the schema module must not be bundled for the browser.
 */
export function htmlPreferenceAttributes(p: AccountPreferences | undefined) {
  return {
    "data-theme": p?.theme ?? "system",
    "data-text-size": String(p?.textSize ?? 100),
    ...(p?.reduceMotion ? { "data-reduce-motion": "" } : {}),
  };
}

/** For <meta name="color-scheme">: form controls and scrollbars follow the chosen theme too. */
export function colorScheme(p: AccountPreferences | undefined): string {
  if (p?.theme === "dark") return "dark";
  if (p?.theme === "light" || p?.theme === "contrast") return "light";
  return "light dark";
}

/** The page's preferences (the root loader's: the member's, or the defaults for a visitor). */
export function usePreferences(): AccountPreferences | undefined {
  return useRouteLoaderData<{ preferences?: AccountPreferences }>("root")?.preferences;
}

/** Whether motion is off: the member's setting or the system's. */
export function reducedMotion(): boolean {
  if (typeof document === "undefined") return false;
  return document.documentElement.hasAttribute("data-reduce-motion") || !!window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
}
