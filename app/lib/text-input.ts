/**
 * The one input layer for text that reaches the database. Postgres can't store a NUL byte (the
 * query fails: a 500), and a lone UTF-16 surrogate (possible in JSON socket payloads) is not text at
 * all. Nobody types either on purpose, so NULs are dropped and lone surrogates become U+FFFD, the
 * replacement character a UTF-8 decoder uses for the same damage. Applied to every form (readForm,
 * the upload reader), every URL (server.ts) and every socket payload (the realtime `handle`).
 */
const NUL = /\0/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(s: string): string {
  return s.replace(NUL, "").replace(LONE_SURROGATE, "\uFFFD");
}

/** The same form with every text value cleaned (files are left as they are). */
export function cleanFormData(form: FormData): FormData {
  const cleaned = new FormData();
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") cleaned.append(cleanText(name), cleanText(value));
    else cleaned.append(cleanText(name), value);
  }
  return cleaned;
}

/** A decoded JSON value (socket payload) with every string, and every key, cleaned. */
export function cleanPayload(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return cleanText(value);
  if (depth > 20 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => cleanPayload(v, depth + 1));
  // Only plain objects (what JSON decodes to); binary attachments are passed through untouched.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanPayload(v, depth + 1)]));
}

/**
 * A request target with NULs (`%00`) taken out of the path and query, and whether the path's
 * percent-encoding is malformed (`%E0%A4%A`, `%ZZ`, an encoded lone surrogate): the browser's
 * address bar never produces one, so it is answered with 400.
 */
export function cleanRequestTarget(target: string): { target: string; malformed: boolean } {
  let cleaned = target;
  // Repeat: taking "%00" out of "%%0000" leaves another "%00".
  for (let before = ""; before !== cleaned; ) {
    before = cleaned;
    cleaned = cleaned.replace(/%00|\0/g, "");
  }
  const pathname = cleaned.split("?", 1)[0]!;
  try {
    decodeURIComponent(pathname);
    return { target: cleaned, malformed: false };
  } catch {
    // Passed on with its "%" escaped, so the router reads it as literal text instead of failing on it.
    return { target: pathname.replace(/%/g, "%25") + cleaned.slice(pathname.length), malformed: true };
  }
}
