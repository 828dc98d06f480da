import { useFetchers, useLocation, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useSettled } from "./use-settled";

/** Focus an element that may not be focusable by itself (a heading, a post), without adding a Tab stop. */
function focusQuietly(el: HTMLElement) {
  if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) el.setAttribute("tabindex", "-1");
  el.focus();
}

function focusLost() {
  const active = document.activeElement;
  return !active || active === document.body || active === document.documentElement;
}

function usable(el: HTMLElement | null): el is HTMLElement {
  return !!el && el.isConnected && !el.matches(":disabled") && el.getClientRects().length > 0;
}

/** The new page's own heading (or main, which is focusable), or the #hash target it was sent to. */
function pageStart(hash: string): HTMLElement | null {
  const id = hash.length > 1 ? decodeURIComponent(hash.slice(1)) : "";
  const target = id ? document.getElementById(id) : null;
  return target ?? document.querySelector<HTMLElement>("main h1") ?? document.querySelector<HTMLElement>("main");
}

/**
 * Client-side navigation and form posts must not drop keyboard users on the page body (Trust #37).
 * After a navigation to another page, focus goes to its h1 (or the #hash target, e.g. a new reply)
 * and a polite live region announces the page's title. After a post or a fetcher that stays on the
 * page, a control that lost focus (disabled while busy, or replaced) gets it back, or the heading.
 * Components that know a better place (the membership button) move focus themselves first.
 */
export function RouteFocus() {
  const location = useLocation();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const busy = navigation.state !== "idle" || fetchers.some((f) => f.state !== "idle");
  const [announcement, setAnnouncement] = useState("");
  const lastFocused = useRef<HTMLElement | null>(null);
  const previous = useRef(location);

  useEffect(() => {
    const remember = (e: FocusEvent) => {
      if (e.target instanceof HTMLElement) lastFocused.current = e.target;
    };
    document.addEventListener("focusin", remember);
    return () => document.removeEventListener("focusin", remember);
  }, []);

  useEffect(() => {
    const before = previous.current;
    if (before.key === location.key) return; // first render: the browser loaded this page itself
    previous.current = location;
    const otherPage = before.pathname !== location.pathname;
    if (otherPage) focusQuietly(pageStart(location.hash)!);
    else if (location.hash) {
      // A same-page #hash link (the skip link) was followed by the browser, which may already have
      // moved focus there, and the user may have Tabbed on inside it before this effect ran: only
      // pull focus in when it is outside the target, never yank it back.
      const target = pageStart(location.hash)!;
      if (!target.contains(document.activeElement)) focusQuietly(target);
    } else if (focusLost()) {
      const back = lastFocused.current;
      focusQuietly(usable(back) ? back : pageStart("")!);
    }
    if (otherPage || before.search !== location.search) setAnnouncement(`Navigated to ${document.title}`);
  }, [location]);

  // Runs after the location effect above, so this only rescues posts that stayed on the page.
  useSettled(busy, () => {
    if (!focusLost()) return;
    const back = lastFocused.current;
    focusQuietly(usable(back) ? back : pageStart("")!);
  });

  return (
    <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="route-announcer">
      {announcement}
    </div>
  );
}
