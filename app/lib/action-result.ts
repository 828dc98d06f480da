/**
 * The one shape every action answers with (fetcher forms, plain forms, resource routes), and the
 * body of a thrown error Response: `{ ok, message, fieldErrors? }`. Imported by routes and
 * components alike (no server code here), so a view reads action data with one type.
 * `Extra` carries what a page with several forms needs to tell them apart (e.g. `form`, `key`).
 */
export type FieldErrors = Record<string, string[] | undefined>;

// A success never carries field errors; both sides type the key so a view reads
// `result.fieldErrors` without narrowing first (an `undefined` key would not survive Jsonify).
export type ActionSuccess = { ok: true; message: string; fieldErrors?: FieldErrors };
export type ActionFailure = { ok: false; message: string; fieldErrors?: FieldErrors };
export type ActionResult<Extra extends object = object> = (ActionSuccess | ActionFailure) & Extra;

/** The first message for one field, if the result carries field errors. */
export function fieldError(result: { fieldErrors?: FieldErrors } | null | undefined, name: string): string | undefined {
  return result?.fieldErrors?.[name]?.[0];
}
