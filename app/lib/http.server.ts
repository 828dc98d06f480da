import type { Submission } from "@conform-to/react";
import { json, redirect } from "@remix-run/node";
import type { ZodError, ZodType, ZodTypeDef } from "zod";
import type { ActionFailure, ActionSuccess, FieldErrors } from "./action-result";
import { httpStatusOf, Invalid, isDomainError, NotFound, type DomainError, type ErrorCode } from "./errors";
import { cleanFormData } from "./text-input";

/**
 * The one place that maps domain errors to HTTP responses, form errors and (through
 * `errorReply`, used by app/realtime/ack.server.ts) socket acks. Loaders rethrow them as
 * Responses (rendered by the ErrorBoundary); actions return them as an ActionFailure, or as
 * Conform form errors so nothing the person typed is lost.
 */

export type ErrorReply = {
  code: ErrorCode;
  status: number;
  /** The words people see; a rate limit says how long to wait (HTTP only: chat shows its own countdown). */
  message: string;
  /** The domain error's own message, as socket acks carry it. */
  plainMessage: string;
  fieldErrors?: Record<string, string[]>;
  headers: Record<string, string>;
};

/** The mapping table: a domain error's status, code, message and headers, for every transport. */
export function errorReply(e: DomainError): ErrorReply {
  const headers: Record<string, string> = e.retryAfter ? { "Retry-After": String(e.retryAfter) } : {};
  const message = e.retryAfter ? `${e.message} Please try again in ${waitText(e.retryAfter)}.` : e.message;
  return { code: e.code, status: httpStatusOf[e.code], message, plainMessage: e.message, fieldErrors: e.fieldErrors, headers };
}

/** A domain error as a (thrown) Response whose body is an ActionFailure. */
export function toResponse(e: DomainError): Response {
  const r = errorReply(e);
  const body: ActionFailure = { ok: false, message: e.message };
  return new Response(JSON.stringify(body), {
    status: r.status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...r.headers },
  });
}

/**
 * The one way routes read their params: parsed with a Zod schema; anything that does not parse
 * is a thrown 404 (an address that names nothing), or `otherwise` where a route answers another way.
 */
export function requireParams<T>(
  params: Record<string, string | undefined>,
  schema: ZodType<T, ZodTypeDef, unknown>,
  otherwise: () => DomainError = NotFound,
): T {
  const parsed = schema.safeParse(params);
  // The error is made only when needed: an Error captures a stack trace, which every page paid for.
  if (!parsed.success) throw toResponse(otherwise());
  return parsed.data;
}

/** A Zod error's messages per field. */
export function fieldErrorsOf(error: ZodError): Record<string, string[]> {
  return error.flatten().fieldErrors as Record<string, string[]>;
}

/** A form that failed its schema, as a domain error: the first field message leads (or `fallback`). */
export function invalidInput(error: ZodError, fallback: string): DomainError {
  const fieldErrors = fieldErrorsOf(error);
  const first = Object.values(fieldErrors).flat()[0];
  return Invalid(first ?? fallback, fieldErrors);
}

/** Run loader work (or an action's reading of its request); domain errors become thrown Responses (404, 403, 413, …). */
export async function loaderWork<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isDomainError(e)) throw toResponse(e);
    throw e;
  }
}

/** "Try again in 15 minutes" from a Retry-After in seconds. */
export function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
}

/** A failed form action: the submission with the domain error as form/field errors and the right status. */
export function formFailure<Schema, Extra extends object = object>(
  submission: Submission<Schema>,
  e: unknown,
  hideFields: string[] = [],
  extra?: Extra,
) {
  if (!isDomainError(e)) throw e;
  const r = errorReply(e);
  // A question, not an error ("post anyway?"): the typed text comes back with `confirm` beside it,
  // and the form shows the step (app/components/personal-data-check.tsx) instead of an error.
  const confirm = r.code === "needs_confirmation" ? { confirm: { message: r.message } satisfies ConfirmStep } : {};
  return json(
    {
      ...submission.reply({
        formErrors: r.fieldErrors || confirm.confirm ? [] : [r.message],
        fieldErrors: r.fieldErrors,
        hideFields,
      }),
      ...confirm,
      ...(extra as Extra),
    },
    { status: r.status, headers: r.headers },
  );
}

/** What a form action answers beside the typed text when the domain asks a question first (needs_confirmation). */
export type ConfirmStep = { message: string };

/**
 * A form that failed its Conform/Zod schema: the submission's own errors back into the form
 * (400), with `extra` beside them for forms that also carry a preview or a message.
 */
export function formInvalid<Schema, Extra extends object = object>(
  submission: Submission<Schema>,
  extra?: Extra,
  options?: Parameters<Submission<Schema>["reply"]>[0],
) {
  return json({ ...submission.reply(options), ...(extra as Extra) }, { status: 400 });
}

/**
 * A failed action as an ActionFailure: the domain error's message (with the wait, for a rate
 * limit), field errors, status and Retry-After. Anything that is not a domain error is rethrown.
 * `extra` tells apart the forms of a page with several (e.g. `{ form: "team" }`).
 */
export function actionFailure<Extra extends object = object>(e: unknown, extra?: Extra) {
  if (!isDomainError(e)) throw e;
  const r = errorReply(e);
  const body = { ...(extra as Extra), ok: false as const, message: r.message, ...(r.fieldErrors ? { fieldErrors: r.fieldErrors as FieldErrors } : {}) };
  return json<ActionFailure & Extra>(body, { status: r.status, headers: r.headers });
}

/**
 * A page's action failed: an address that names nothing (not_found, e.g. a private group) is the
 * 404 page, exactly like the loader's; any other domain error is an ActionFailure shown in the page.
 */
export function pageActionFailure<Extra extends object = object>(e: unknown, extra?: Extra) {
  if (isDomainError(e) && e.code === "not_found") throw toResponse(e);
  return actionFailure(e, extra);
}

/** A done action as an ActionSuccess (for fetchers and forms that stay on the page). */
export function actionSuccess<Extra extends object = object>(message: string, extra?: Extra, init?: ResponseInit) {
  return json<ActionSuccess & Extra>({ ...(extra as Extra), ok: true as const, message }, init);
}

/** Signed-in viewer or a redirect to sign in (coming back here afterwards). */
export function requireViewer<V>(context: { viewer: V | null }, request: Request): V {
  if (context.viewer) return context.viewer;
  const url = new URL(request.url);
  throw redirect(`/signin?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/**
 * The one way actions read their form: a thrown 415 when the body is not a form (JSON, text, no
 * Content-Type), where request.formData() would throw and become a 500; and every text value
 * through the input layer (no NULs or lone surrogates reach the database).
 */
export async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    try {
      return cleanFormData(await request.formData());
    } catch {
      /* malformed multipart: fall through to the 400 below */
      throw json({ message: "The form could not be read. Please reload the page and try again." }, { status: 400 });
    }
  }
  throw json({ message: "Please send this as a form." }, { status: 415 });
}
