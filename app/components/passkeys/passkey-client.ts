import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { ActionResult } from "#app/lib/action-result";
import type { PasskeyPurpose } from "#app/modules/accounts/passkeys.schema";

/** The browser half of a passkey ceremony: options from the server, the device's answer back as JSON text. */

export class PasskeyError extends Error {}

type OptionsReply = ActionResult<{ options?: PublicKeyCredentialCreationOptionsJSON & PublicKeyCredentialRequestOptionsJSON }>;

function deviceMessage(e: unknown, purpose: PasskeyPurpose): string {
  const name = e instanceof Error ? e.name : "";
  if (name === "NotAllowedError" || name === "AbortError") return "The passkey request was cancelled or timed out. Please try again.";
  if (name === "InvalidStateError" && purpose === "register") return "This device already holds a passkey for your account.";
  return "This device couldn't use a passkey. Please try again, or use another way.";
}

/** Runs one ceremony and returns the response for a form field; throws PasskeyError with words to show. */
export async function runPasskeyCeremony(purpose: PasskeyPurpose): Promise<string> {
  const browser = await import("@simplewebauthn/browser");
  if (!browser.browserSupportsWebAuthn()) throw new PasskeyError("This browser can't use passkeys.");
  let reply: OptionsReply | null = null;
  try {
    const res = await fetch("/passkeys/options", { method: "POST", body: new URLSearchParams({ purpose }) });
    reply = (await res.json()) as OptionsReply;
  } catch {
    /* offline or not JSON: the message below */
  }
  if (!reply?.ok || !reply.options) throw new PasskeyError(reply?.message ?? "Passkeys are unavailable right now. Please try again.");
  try {
    const response =
      purpose === "register"
        ? await browser.startRegistration({ optionsJSON: reply.options })
        : await browser.startAuthentication({ optionsJSON: reply.options });
    return JSON.stringify(response);
  } catch (e) {
    throw new PasskeyError(deviceMessage(e, purpose));
  }
}

/** The words to show for a failed ceremony. */
export function passkeyErrorText(e: unknown): string {
  return e instanceof PasskeyError ? e.message : "Something went wrong with the passkey. Please try again.";
}
