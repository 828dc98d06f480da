import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { EmailLinkForm } from "#app/components/account-links";
import { formFailure, formInvalid, readForm } from "#app/lib/http.server";
import { EmailOnlySchema } from "#app/modules/accounts/account-mail.schema";
import { requestMagicLink } from "#app/modules/accounts/magic-link.server";

export const meta: MetaFunction = () => [{ title: "E-mail me a sign-in link — Hearth" }];

export function loader({ context }: LoaderFunctionArgs) {
  if (context.viewer) throw redirect("/groups");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: EmailOnlySchema });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    await requestMagicLink(context.app, submission.value.email, context.clientIp);
  } catch (e) {
    return formFailure(submission, e);
  }
  return redirect("/check-email?for=signin-link");
}

export default function SignInLink() {
  return (
    <EmailLinkForm
      title="E-mail me a sign-in link"
      intro="No password to type: we'll e-mail you a link that signs you in on this device. It works once, for 15 minutes."
      submit="E-mail me a sign-in link"
      busyLabel="Sending…"
    />
  );
}
