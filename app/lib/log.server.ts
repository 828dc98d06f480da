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

/** An error reduced to what is safe to log: its name, code and stack, never the request. */
export function errorFields(e: unknown) {
  if (e instanceof Error) return { error: e.name, code: (e as { code?: string }).code, stack: e.stack };
  return { error: String(e) };
}
