/**
 * The block confirm page (/members/<id>/block), from anywhere a member's content shows: their
 * profile, a chat message's options, a forum post. `back` is where to return after deciding (the
 * page checks it with safeRedirect). Its slashes stay as they are (a query may hold them): a thread
 * page has one of these links per post.
 */
export function blockHref(userId: string, back?: string): string {
  return `/members/${encodeURIComponent(userId)}/block${back ? `?back=${encodeURIComponent(back).replaceAll("%2F", "/")}` : ""}`;
}
