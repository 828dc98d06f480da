/**
 * Single-line fields (titles, places, names) refuse line breaks: nobody means to type one there,
 * and a CR or LF in a title or address splits calendar lines, mail subjects and CSV rows downstream.
 * Besides CR and LF this catches the other characters that end a line somewhere: VT, FF, NEL,
 * U+2028 and U+2029. Used as `.refine(...singleLine("title"))` on the field's Zod schema, so the
 * person sees the message inline on that field.
 */
const LINE_BREAK = /[\n\v\f\r\u0085\u2028\u2029]/;

export function hasLineBreak(value: string): boolean {
  return LINE_BREAK.test(value);
}

export function singleLine(label: string) {
  return [(value: string) => !hasLineBreak(value), { message: `Keep the ${label} on one line (no line breaks).` }] as const;
}
