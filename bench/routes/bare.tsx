/**
 * The benchmark baseline (bench/forum-thread.ts): a Remix resource route that returns a static
 * string through the same server, middleware and request handler as every page. Harmless: no data,
 * no state, nothing personal.
 */
export function loader() {
  return new Response("ok", { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}
