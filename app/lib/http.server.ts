import type { Submission } from "@conform-to/react";
import { json, redirect } from "@remix-run/node";
import { httpStatusOf, isDomainError, type DomainError } from "./errors";
import { cleanFormData } from "./text-input";

/**
 * The one place that maps domain errors to HTTP. Loaders rethrow them as Responses (rendered by
 * the ErrorBoundary); actions turn them into form errors so nothing the person typed is lost.
 */

export function toResponse(e: DomainError): Response {
  const headers = new Headers({ "Content-Type": "application/json; charset=utf-8" });
  if (e.retryAfter) headers.set("Retry-After", String(e.retryAfter));
  return new Response(JSON.stringify({ message: e.message }), { status: httpStatusOf[e.code], headers });
}

/** Run loader work; domain errors become thrown Responses (404, 403, …). */
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
export function formFailure<Schema>(submission: Submission<Schema>, e: unknown, hideFields: string[] = []) {
  if (!isDomainError(e)) throw e;
  const message = e.retryAfter ? `${e.message} Please try again in ${waitText(e.retryAfter)}.` : e.message;
  const headers: HeadersInit = e.retryAfter ? { "Retry-After": String(e.retryAfter) } : {};
  return json(
    submission.reply({
      formErrors: e.fieldErrors ? [] : [message],
      fieldErrors: e.fieldErrors,
      hideFields,
    }),
    { status: httpStatusOf[e.code], headers },
  );
}

/**
 * A failed fetcher action (the small forms answered with {ok, message}): the domain error's message
 * (with the wait, for a rate limit), field errors, status and Retry-After.
 */
export function actionFailure(e: unknown) {
  if (!isDomainError(e)) throw e;
  const message = e.retryAfter ? `${e.message} Please try again in ${waitText(e.retryAfter)}.` : e.message;
  const headers: HeadersInit = e.retryAfter ? { "Retry-After": String(e.retryAfter) } : {};
  return json({ ok: false as const, message, fieldErrors: e.fieldErrors }, { status: httpStatusOf[e.code], headers });
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
