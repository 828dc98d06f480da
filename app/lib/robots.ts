/**
 * Which pages search engines may index: only the home page, the group directory and the public
 * library. Everything else (every group page, thread and chat, messages, members, moderation,
 * settings, notifications, search, events, account pages) answers `noindex`, both as the
 * `X-Robots-Tag` header (robotsHeader, for every HTML and data response, the visitor cache and
 * errors included) and as `<meta name="robots">` (app/root.tsx). Client-safe: the root imports it.
 *
 * /robots.txt (app/routes/robots[.txt].ts) tells crawlers the same: it is `ROBOTS_TXT` below.
 */

/** `/`, `/groups`, `/library` and `/library/<id>` (a trailing slash is the same page). */
const INDEXABLE = [/^\/$/, /^\/groups\/?$/, /^\/library\/?$/, /^\/library\/[^/]+\/?$/];

export function isIndexable(pathname: string): boolean {
  return INDEXABLE.some((re) => re.test(pathname));
}

/** The header and meta value for everything else. */
export const NOINDEX = "noindex";

/**
 * Google's rules (developers.google.com/search/docs/crawling-indexing/robots/robots_txt): the most
 * specific (longest) matching rule wins, Allow wins a tie, and `$` anchors the end of the URL. So
 * `/` and `/groups` (exactly) and everything under `/library` may be crawled; every other path
 * (group pages, threads, chat, accounts) is disallowed by `Disallow: /`. `/groups$` does not match
 * `/groups/<slug>`, and `/library/` pages of resources a visitor can't see answer 404 with noindex.
 */
export const ROBOTS_TXT = ["User-agent: *", "Allow: /$", "Allow: /groups$", "Allow: /library", "Disallow: /", ""].join("\n");

interface HeaderResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  writeHead: (...args: never[]) => unknown;
}

/**
 * Express middleware (server.ts, before the visitor page cache): `X-Robots-Tag: noindex` on every
 * response of a path that is not indexable, and on error answers (404s) of those that are. Set on
 * the response before anything is written, so a visitor-cache hit replays it with the page.
 */
export function robotsHeader() {
  return (req: { path: string }, res: HeaderResponse, next: () => void) => {
    if (!isIndexable(req.path)) {
      res.setHeader("X-Robots-Tag", NOINDEX);
    } else {
      // Node writes the head through writeHead (implicitly on the first write too): a 404 of an
      // indexable path (a retired or private resource) is not for indexing either.
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => unknown;
      res.writeHead = ((status: number, ...rest: unknown[]) => {
        if (status >= 300) res.setHeader("X-Robots-Tag", NOINDEX);
        return writeHead(status, ...rest);
      }) as HeaderResponse["writeHead"];
    }
    next();
  };
}
