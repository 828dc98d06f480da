import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";
import type { Viewer } from "#app/modules/auth/session.server";

export const PASSKEY_FAILED = "That passkey couldn't be confirmed. Please try again.";

/** Checks a passkey assertion against a 'reauthenticate' challenge bound to the viewer's account. */
export async function verifyPasskeyReauthentication(_app: AppContext, _viewer: Viewer, _response: string): Promise<void> {
  // Filled in with the WebAuthn verification below; until then a passkey never confirms.
  throw Invalid(PASSKEY_FAILED, { currentPassword: [PASSKEY_FAILED] });
}
