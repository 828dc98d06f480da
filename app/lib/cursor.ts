/**
 * Opaque keyset-pagination cursors: the last row's sort key, base64url-encoded JSON.
 * Cursors come back from the address bar, so every part is checked against the shape the query
 * expects (a timestamp the database can read, a short id, a finite number): a tampered cursor decodes
 * to null, which callers treat as "first page", and never reaches SQL as a value that fails there.
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/** "time": a UTC ISO timestamp; "text": a sort key or id; "number": finite; "flag": 0 or 1. */
export type CursorPart = "time" | "text" | "number" | "flag";
type PartValue<P extends CursorPart> = P extends "number" | "flag" ? number : string;
export type CursorValues<S extends readonly CursorPart[]> = { -readonly [K in keyof S]: PartValue<S[K]> };

const MAX_CURSOR_CHARS = 2048;
const MAX_TEXT_PART = 400;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
// NUL and lone surrogates can't be sent to Postgres as text.
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function partIsValid(kind: CursorPart, v: unknown): boolean {
  switch (kind) {
    case "time": {
      if (typeof v !== "string" || !ISO_UTC.test(v)) return false;
      const year = Number(v.slice(0, 4));
      return year >= 1970 && year <= 9999 && !Number.isNaN(Date.parse(v));
    }
    case "text":
      return typeof v === "string" && v.length <= MAX_TEXT_PART && !UNSTORABLE.test(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "flag":
      return v === 0 || v === 1;
  }
}

export function decodeCursor<const S extends readonly CursorPart[]>(cursor: string | null | undefined, shape: S): CursorValues<S> | null {
  if (!cursor || cursor.length > MAX_CURSOR_CHARS) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === shape.length && shape.every((kind, i) => partIsValid(kind, v[i]))) return v as CursorValues<S>;
  } catch {
    /* fall through */
  }
  return null;
}
