/**
 * The one check for redirect targets that come from a request (`redirectTo`, `returnTo`, a path
 * built from route params). A target is kept only if it stays on this site as the browser will
 * read it: the browser drops tabs and newlines, turns backslashes into slashes and treats `//host`
 * as another site, so `/%09/evil.example` (a tab once decoded) leaves the site although it starts with
 * one slash. Node's WHATWG URL parser applies the same rules, so the target is resolved with it and
 * must keep our (placeholder) origin. The result is the parser's serialisation: every character a
 * header can't carry (above U+00FF, newlines, U+2028) is percent-encoded, so `redirect()` never throws.
 */
const BASE = "http://hearth.invalid";
const MAX_TARGET = 2048;

export function safeRedirect(to: string | null | undefined, fallback = "/groups"): string {
  if (typeof to !== "string" || to === "" || to.length > MAX_TARGET) return fallback;
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return fallback;
  }
  // Only relative targets: an absolute URL to ourselves is still refused (the placeholder origin is never real).
  if (url.origin !== BASE || !/^[\t\n\r ]*[/\\]/.test(to)) return fallback;
  const target = url.pathname + url.search + url.hash;
  // "/.//evil.example" resolves to the path "//evil.example", which a browser reads as another host.
  if (target.startsWith("//") || target.length > MAX_TARGET) return fallback;
  return target;
}
