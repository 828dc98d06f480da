import { redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { StatusMessage } from "#app/components/ui/form-errors";
import { actionFailure, actionSuccess, readForm, requireViewer } from "#app/lib/http.server";
import { resendVerification } from "#app/modules/accounts/verification.server";

export const meta: MetaFunction = () => [{ title: "Send the link again — Hearth" }];

/** The banner's "Send the link again" posts here (a fetcher); only the no-JavaScript post lands on this page. */
export function loader() {
  throw redirect("/groups");
}

export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request); // the button posts no fields, but a body that isn't a form is still a 415
  const viewer = requireViewer(context, request);
  try {
    await resendVerification(context.app, viewer);
    return actionSuccess("We have sent you a new link. It works for 24 hours; earlier links no longer work.");
  } catch (e) {
    return actionFailure(e);
  }
}

export default function ResendVerification() {
  const result = useActionData<typeof action>();
  return (
    <section aria-labelledby="resend-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="resend-title" className="text-3xl">
        Confirm your e-mail address
      </h1>
      {result?.ok === false ? <p role="alert">{result.message}</p> : <StatusMessage message={result?.message} />}
      <p>
        <Link to="/groups" className="inline-flex min-h-11 items-center">Back to the groups</Link>
      </p>
    </section>
  );
}
