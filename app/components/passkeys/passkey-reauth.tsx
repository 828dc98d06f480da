import { useSubmit } from "@remix-run/react";
import { useRef, useState } from "react";
import { Button } from "#app/components/ui/button";
import { passkeyErrorText, runPasskeyCeremony } from "./passkey-client";

/**
 * "Confirm with a passkey instead", for a form that asks for the current password (password change,
 * e-mail change, deletion): drop it inside the form. It fills the hidden `passkeyResponse` field and
 * submits the form as it is (skipping the client's "enter your password" check); the action's
 * verifyReauthentication takes the passkey over the password.
 */
export function PasskeyReauth() {
  const field = useRef<HTMLInputElement>(null);
  const submit = useSubmit();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col gap-2">
      <input ref={field} type="hidden" name="passkeyResponse" defaultValue="" />
      <Button
        variant="secondary"
        className="w-fit"
        disabled={busy}
        onClick={async (e) => {
          const form = e.currentTarget.form;
          if (!form || !field.current) return;
          setBusy(true);
          setError(null);
          try {
            field.current.value = await runPasskeyCeremony("reauthenticate");
            submit(form, { method: "post" });
          } catch (err) {
            setError(passkeyErrorText(err));
          } finally {
            // The challenge is single-use: never leave a spent answer in the form for the next submit.
            field.current.value = "";
            setBusy(false);
          }
        }}
      >
        {busy ? "Waiting for your passkey…" : "Confirm with a passkey instead"}
      </Button>
      {error ? (
        <p role="alert" className="font-medium text-red-800 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </div>
  );
}
