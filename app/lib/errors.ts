/**
 * Typed domain errors. Domain code throws these; `app/lib/http.server.ts` maps them to HTTP
 * responses and the realtime layer maps them to socket acks, each in one place.
 */
export type ErrorCode =
  | "not_found"
  | "forbidden"
  | "invalid"
  | "conflict"
  | "rate_limited"
  | "unauthenticated"
  | "busy"
  | "too_large"
  | "needs_confirmation";

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Field-level messages for forms, keyed by field name. */
    readonly fieldErrors?: Record<string, string[]>,
    /** Seconds until a retry can succeed (rate limits, busy). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFoundMessage = (what: string) => `${what} could not be found.`;
export const NOT_PERMITTED = "You don't have permission to do that.";
export const NotFound = (what = "That page") => new DomainError("not_found", notFoundMessage(what));
export const Forbidden = (message = NOT_PERMITTED) => new DomainError("forbidden", message);
export const Invalid = (message: string, fieldErrors?: Record<string, string[]>) =>
  new DomainError("invalid", message, fieldErrors);
export const Conflict = (message: string, fieldErrors?: Record<string, string[]>) =>
  new DomainError("conflict", message, fieldErrors);
export const RateLimited = (message: string, retryAfter: number) =>
  new DomainError("rate_limited", message, undefined, retryAfter);
/** A request part (an uploaded file) over its size limit; the form comes back with the error. */
export const TooLarge = (message: string, fieldErrors?: Record<string, string[]>) =>
  new DomainError("too_large", message, fieldErrors);
/**
 * The input is fine but asks the person a question first (text that looks like personal information:
 * "post anyway?"). Nothing was stored; sending it again with the confirmation goes through.
 */
export const NeedsConfirmation = (message: string, fieldErrors?: Record<string, string[]>) =>
  new DomainError("needs_confirmation", message, fieldErrors);
export const Unauthenticated = (message = "Please sign in first.") => new DomainError("unauthenticated", message);

export const httpStatusOf: Record<ErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  invalid: 400,
  conflict: 409,
  rate_limited: 429,
  unauthenticated: 401,
  busy: 503,
  too_large: 413,
  needs_confirmation: 422,
};

/**
 * A plain `instanceof`: server.ts, the socket handlers and the routes run one copy of the app
 * (app/runtime.server.ts, docs/decisions/0010), so there is one DomainError class per process.
 * An error that merely looks like one is not one.
 */
export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
