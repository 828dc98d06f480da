/**
 * Minimal structured logger. Never pass bodies, passwords, tokens, emails or health details:
 * log ids, routes, counts and error names only.
 */
type Level = "error" | "info" | "debug";
const order = { silent: 0, error: 1, info: 2, debug: 3 } as const;
let threshold: keyof typeof order = "info";

export function setLogLevel(level: keyof typeof order) {
  threshold = level;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>) {
  if (order[level] > order[threshold]) return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

export const log = {
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
};

const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * An error reduced to what is safe to log: its name, the first code in its cause chain (a Postgres
 * SQLSTATE, ECONNREFUSED…), its causes' names and where it was thrown. Never a message: a failed
 * query's message carries the query's parameters (postgres-js, PGlite and Drizzle all put them
 * there), which are people's posts, event links, passwords and tokens.
 */
export function errorFields(e: unknown) {
  if (!(e instanceof Error)) return { error: e === null ? "null" : typeof e };
  const names: string[] = [];
  let code: string | undefined;
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 5; cur = cur.cause, depth++) {
    if (depth > 0) names.push(cur.name);
    const c: unknown = (cur as { code?: unknown }).code;
    if (!code && (typeof c === "string" || typeof c === "number") && SAFE_CODE.test(String(c))) code = String(c);
  }
  return { error: e.name, code, causes: names.length ? names : undefined, at: stackFrames(e) };
}

/** The stack's "at …" lines only: everything up to the end of the message is cut first (it may span lines). */
function stackFrames(e: Error): string[] | undefined {
  const stack = typeof e.stack === "string" ? e.stack : "";
  const end = e.message ? stack.indexOf(e.message) : -1;
  const frames = (end >= 0 ? stack.slice(end + e.message.length) : e.message ? "" : stack)
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .map((line) => line.trim());
  return frames.length ? frames.slice(0, 10) : undefined;
}

/**
 * A route to log: the path with each route param shown by name (`/calendar/:token/events.ics`), so a
 * secret in the address never reaches the log. Without params (Express), only plain words are kept.
 */
export function routeOf(pathname: string, params?: Record<string, string | undefined>): string {
  const byValue = new Map(Object.entries(params ?? {}).filter(([, v]) => v).map(([k, v]) => [v!, k]));
  return pathname
    .split("/")
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        /* kept encoded */
      }
      const name = byValue.get(decoded);
      if (name) return `:${name === "*" ? "splat" : name}`;
      // Words and slugs stay (`groups`, `cervical-dystonia`, `events.ics`); ids and tokens (mixed case,
      // digits, or one long run of letters) become ":".
      const word = /^[a-z]{1,19}(\.[a-z]{1,8})?$/.test(segment) || /^[a-z]+(-[a-z]+)+$/.test(segment);
      return segment === "" || (word && segment.length <= 60) ? segment : ":";
    })
    .join("/")
    .slice(0, 200);
}

/**
 * The one error logger of the server (Express), Remix (handleError) and the socket handlers: the
 * error's name, code and frames and the route or event, nothing from the request or the error message.
 */
export function logError(msg: string, e: unknown, where: { route?: string; method?: string } = {}) {
  write("error", msg, { ...where, ...errorFields(e) });
}
