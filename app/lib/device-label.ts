/**
 * A short, human label for a session's device ("Firefox on Android"), shown on /settings/sessions so a
 * member can recognise their own devices. Only the label is stored, never the raw User-Agent header
 * (it is a fingerprint). Deliberately small: the common browsers and systems, "a browser" otherwise.
 */

// Order matters: many browsers also claim to be the ones they derive from (Edge says Chrome and
// Safari, Chrome says Safari, Opera says Chrome).
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\b(OPR|Opera|OPiOS)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/\b(Chrome|Chromium|CriOS)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\biPhone\b/, "iPhone"],
  [/\biPad\b/, "iPad"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

const MAX_HEADER = 1024;

function first(list: ReadonlyArray<readonly [RegExp, string]>, ua: string): string | null {
  for (const [pattern, name] of list) if (pattern.test(ua)) return name;
  return null;
}

export function deviceLabel(userAgent: string | null | undefined): string {
  // Capped so a hostile header costs nothing to scan.
  const ua = (userAgent ?? "").slice(0, MAX_HEADER);
  const browser = first(BROWSERS, ua);
  const system = first(SYSTEMS, ua);
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `a browser on ${system}`;
  return "a browser";
}
