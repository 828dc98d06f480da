import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import { Button } from "#app/components/ui/button";
import type { ActionFailure } from "#app/lib/action-result";
import { passkeyErrorText, runPasskeyCeremony } from "./passkey-client";

/**
 * One big button, no typing: the device offers the passkeys it holds for this site (usernameless),
 * /passkeys/signin checks the answer and redirects like the password form.
 */
export function PasskeySignIn({ redirectTo }: { redirectTo: string }) {
  const fetcher = useFetcher<ActionFailure>();
  const [ceremony, setCeremony] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = ceremony || fetcher.state !== "idle";
  const message = error ?? (fetcher.state === "idle" ? fetcher.data?.message : null);
  return (
    <div className="space-y-3">
      <Button
        className="min-h-14 w-full text-lg"
        disabled={busy}
        onClick={async () => {
          setCeremony(true);
          setError(null);
          try {
            const passkeyResponse = await runPasskeyCeremony("signin");
            fetcher.submit({ passkeyResponse, redirectTo }, { method: "post", action: "/passkeys/signin" });
          } catch (e) {
            setError(passkeyErrorText(e));
          } finally {
            setCeremony(false);
          }
        }}
      >
        {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </Button>
      {message ? (
        <p role="alert" className="font-medium text-red-800 dark:text-red-300">
          {message}
        </p>
      ) : null}
    </div>
  );
}
