import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { countOf } from "#app/lib/plural";
import { actionSuccess, invalidInput, loaderWork, pageActionFailure, readForm, requireViewer } from "#app/lib/http.server";
import { endOtherSessions, endSession, listSessions } from "#app/modules/accounts/sessions.server";

export const meta: MetaFunction = () => [{ title: "Sessions — Settings — Hearth" }];

const SessionAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("end"), session: z.string().regex(/^[A-Za-z0-9_-]{22}$/, "Choose a session to end.") }),
  z.object({ intent: z.literal("end-others") }),
], { errorMap: () => ({ message: "Choose a session to end." }) });

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => ({ sessions: await listSessions(context.app, viewer) }));
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const form = Object.fromEntries(await readForm(request));
  try {
    const parsed = SessionAction.safeParse(form);
    if (!parsed.success) throw invalidInput(parsed.error, "Choose a session to end.");
    if (parsed.data.intent === "end") {
      await endSession(context.app, viewer, parsed.data.session);
      return actionSuccess("That session has ended: the device is signed out.");
    }
    const n = await endOtherSessions(context.app, viewer);
    return actionSuccess(n ? `${countOf(n, "other session")} ended.` : "There were no other sessions.");
  } catch (e) {
    // Another account's (or an unknown) session is a 404, like any address that names nothing of yours.
    return pageActionFailure(e);
  }
}

export default function SessionsSettings() {
  const { sessions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const others = sessions.filter((s) => !s.current).length;
  return (
    <section aria-labelledby="sessions-title" className="max-w-2xl space-y-6">
      <h2 id="sessions-title" className="text-2xl">
        Sessions
      </h2>
      <p>Where your account is signed in. If you don't recognise one, end it and change your password.</p>
      {result?.ok ? <StatusMessage message={result.message} /> : <FormErrors errors={result ? [result.message] : []} />}
      <ul className="space-y-3" aria-label="Your sessions">
        {sessions.map((s) => (
          <li key={s.ref} className="flex flex-wrap items-center justify-between gap-3 rounded-lg border-2 border-stone-300 bg-white p-4 dark:border-stone-600 dark:bg-stone-800" data-testid="session">
            <div>
              <p className="font-semibold">
                {s.device}
                {s.current ? <span className="ml-2 rounded-full bg-brand-700 px-2 text-sm text-white dark:bg-brand-100 dark:text-stone-900">this device</span> : null}
              </p>
              <p className="text-base">
                Last used: {s.lastUse}. Signed in on {s.signedIn}.
              </p>
            </div>
            {s.current ? null : (
              <Form method="post">
                <input type="hidden" name="session" value={s.ref} />
                <Button type="submit" name="intent" value="end" variant="secondary" disabled={busy}>
                  End session<span className="sr-only">: {s.device}, last used {s.lastUse}</span>
                </Button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <Form method="post">
          <Button type="submit" name="intent" value="end-others" variant="danger" disabled={busy}>
            End all other sessions
          </Button>
        </Form>
      ) : (
        <p>This is the only device signed in to your account.</p>
      )}
    </section>
  );
}
