import { isDomainError } from "#app/lib/errors";
import { errorReply } from "#app/lib/http.server";
import { logError } from "#app/lib/log.server";
import type { Ack } from "./events";

/**
 * Runs a handler and always answers its ack with {ok, data | error}: a domain error becomes its
 * code and message through the same mapping as HTTP (errorReply), anything else a generic error
 * (logged without the payload). A missing ack callback is tolerated so a malformed client can't
 * crash the handler.
 */
export async function answer<T>(ack: unknown, work: () => Promise<T> | T, event?: string): Promise<void> {
  const reply = typeof ack === "function" ? (ack as (r: Ack<T>) => void) : () => {};
  try {
    reply({ ok: true, data: await work() });
  } catch (e) {
    if (isDomainError(e)) {
      const { code, plainMessage } = errorReply(e);
      reply({ ok: false, error: { code, message: plainMessage } });
    } else {
      logError("socket handler failed", e, { route: event });
      reply({ ok: false, error: { code: "internal", message: "Something went wrong. Please try again." } });
    }
  }
}
