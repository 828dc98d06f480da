import { ROBOTS_TXT } from "#app/lib/robots";

/**
 * /robots.txt: crawlers may fetch the home page, the group directory and the public library, and
 * nothing else (group pages, threads, chat, accounts). The rules and why they read that way: app/lib/robots.ts.
 * Every page also says noindex itself (header and meta), for crawlers that ignore this file.
 */
export function loader() {
  return new Response(ROBOTS_TXT, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=3600" } });
}
