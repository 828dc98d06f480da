import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { deviceLabel } from "#app/lib/device-label";
import { actionFailure, invalidInput, readForm } from "#app/lib/http.server";
import { safeRedirect } from "#app/lib/redirect";
import { PASSKEY_SIGN_IN_FAILED, PasskeySignInSchema } from "#app/modules/accounts/passkeys.schema";
import { signInWithPasskey } from "#app/modules/accounts/passkeys.server";
import { setSessionTokenCookie } from "#app/modules/auth/session.server";

/** POST /passkeys/signin: a usernameless passkey assertion → a new session, then where the person was going. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const parsed = PasskeySignInSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw invalidInput(parsed.error, PASSKEY_SIGN_IN_FAILED);
    const device = deviceLabel(request.headers.get("user-agent"));
    const { token, expiresAt } = await signInWithPasskey(context.app, parsed.data.passkeyResponse, context.clientIp, device);
    return redirect(safeRedirect(parsed.data.redirectTo), {
      headers: { "Set-Cookie": setSessionTokenCookie(token, expiresAt, context.secure) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}
