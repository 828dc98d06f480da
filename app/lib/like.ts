/** A LIKE pattern matching `s` as a prefix: its own "%", "_" and backslash match themselves (the default escape). */
export function likePrefix(s: string): string {
  return `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
