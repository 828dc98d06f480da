import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { EmailLinkForm } from "#app/components/account-links";
import { formFailure, formInvalid, readForm } from "#app/lib/http.server";
import { EmailOnlySchema } from "#app/modules/accounts/account-mail.schema";
import { requestPasswordReset } from "#app/modules/accounts/password-reset.server";

export const meta: MetaFunction = () => [{ title: "Forgot your password? — Hearth" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: EmailOnlySchema });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    await requestPasswordReset(context.app, submission.value.email, context.clientIp);
  } catch (e) {
    return formFailure(submission, e);
  }
  return redirect("/check-email?for=reset");
}

export default function ForgotPassword() {
  return (
    <EmailLinkForm
      title="Forgot your password?"
      intro="Type the address you signed up with. We'll e-mail you a link to choose a new password."
      submit="E-mail me a reset link"
      busyLabel="Sending…"
    />
  );
}
