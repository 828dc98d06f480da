/**
 * The block confirm page (/members/<id>/block), from anywhere a member's content shows: their
 * profile, a chat message's options, a forum post. `back` is where to return after deciding (the
 * page checks it with safeRedirect).
 */
export function blockHref(userId: string, back?: string): string {
  return `/members/${encodeURIComponent(userId)}/block${back ? `?back=${encodeURIComponent(back)}` : ""}`;
}
