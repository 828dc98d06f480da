import type { ActionFunctionArgs } from "@remix-run/node";
import { Unauthenticated } from "#app/lib/errors";
import { actionFailure, actionSuccess, invalidInput, readForm } from "#app/lib/http.server";
import { PasskeyOptionsSchema } from "#app/modules/accounts/passkeys.schema";
import { ceremonyOrigin, passkeyAssertionOptions, passkeyRegistrationOptions } from "#app/modules/accounts/passkeys.server";

/**
 * POST /passkeys/options: the options (and a stored, single-use challenge) for one WebAuthn
 * ceremony: `register` and `reauthenticate` for the signed-in viewer, `signin` for anyone.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const parsed = PasskeyOptionsSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw invalidInput(parsed.error, "Unknown passkey request.");
    const { purpose } = parsed.data;
    const origin = ceremonyOrigin(request);
    if (purpose === "signin") {
      return actionSuccess("ok", { options: await passkeyAssertionOptions(context.app, null, origin, context.clientIp) });
    }
    if (!context.viewer) throw Unauthenticated();
    const options =
      purpose === "register"
        ? await passkeyRegistrationOptions(context.app, context.viewer, origin)
        : await passkeyAssertionOptions(context.app, context.viewer, origin, context.clientIp);
    return actionSuccess("ok", { options });
  } catch (e) {
    return actionFailure(e);
  }
}
