import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { actionFailure, actionSuccess, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { Invalid } from "#app/lib/errors";
import { DM_POLICIES, dmPolicyLabels, DmPolicySchema } from "#app/modules/chat/direct.schema";
import { getDmPolicy, setDmPolicy } from "#app/modules/chat/direct.server";

/** Settings → direct messages: who may start a conversation with the member (nobody by default). */

export const meta: MetaFunction = () => [{ title: "Direct messages — Settings — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => ({ dmPolicy: await getDmPolicy(context.app, viewer) }));
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  try {
    const parsed = DmPolicySchema.safeParse(Object.fromEntries(await readForm(request)));
    if (!parsed.success) throw Invalid("Choose who may start a conversation with you.", { dmPolicy: ["Choose one of the three."] });
    await setDmPolicy(context.app, viewer, parsed.data.dmPolicy);
    return actionSuccess(`Saved. ${savedText[parsed.data.dmPolicy]}`);
  } catch (e) {
    return actionFailure(e);
  }
}

const savedText: Record<(typeof DM_POLICIES)[number], string> = {
  nobody: "Nobody can start a conversation with you.",
  groups: "Members of your groups can start a conversation with you.",
  anyone: "Anyone signed in can start a conversation with you.",
};

export default function MessageSettings() {
  const { dmPolicy } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const error = result && !result.ok ? result.message : null;
  return (
    <section aria-labelledby="dm-title" className="max-w-2xl space-y-6">
      <h2 id="dm-title" className="text-2xl">
        Direct messages
      </h2>
      <p>A direct conversation is private to the people in it (up to 8). Moderators can't read it; if you report a message, the site's admins see it and a few messages before it.</p>
      {result?.ok ? <StatusMessage message={result.message} /> : null}
      <Form method="post" className="space-y-5">
        <FormErrors errors={error ? [error] : []} />
        <fieldset className="space-y-1" aria-describedby={error ? "dmPolicy-error" : undefined}>
          <legend className="text-base font-semibold">Who may start a conversation with you</legend>
          {DM_POLICIES.map((value) => (
            <div key={value}>
              <label className="flex min-h-11 cursor-pointer items-center gap-3">
                <input type="radio" name="dmPolicy" value={value} defaultChecked={dmPolicy === value} aria-describedby={`dm-${value}-hint`} className="h-6 w-6 shrink-0" />
                {dmPolicyLabels[value].label}
              </label>
              <p id={`dm-${value}-hint`} className="ml-9 text-sm text-stone-700 dark:text-stone-300">
                {dmPolicyLabels[value].hint}
              </p>
            </div>
          ))}
          <p id="dmPolicy-error" className="font-medium text-red-800 dark:text-red-300">
            {error}
          </p>
        </fieldset>
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </Button>
      </Form>
    </section>
  );
}
