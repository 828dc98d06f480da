import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { actionSuccess, invalidInput, loaderWork, pageActionFailure, readForm, requireViewer } from "#app/lib/http.server";
import { BlockFormSchema, listBlocked, setBlock } from "#app/modules/accounts/blocks.server";

export const meta: MetaFunction = () => [{ title: "Blocked members — Settings — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => ({
    blocked: (await listBlocked(context.app, viewer)).map((b) => ({ id: b.id, displayName: b.displayName, since: b.since.toISOString() })),
  }));
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const form = Object.fromEntries(await readForm(request));
  try {
    const parsed = BlockFormSchema.safeParse(form);
    if (!parsed.success) throw invalidInput(parsed.error, "Choose a member to unblock.");
    const done = await setBlock(context.app, viewer, parsed.data);
    return actionSuccess(done.blocked ? `You have blocked ${done.displayName}.` : `You have unblocked ${done.displayName}.`);
  } catch (e) {
    // An unknown (or deleted) member is a 404, like any address that names nothing.
    return pageActionFailure(e);
  }
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export default function BlockedMembers() {
  const { blocked } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="blocked-title" className="max-w-2xl space-y-6">
      <h2 id="blocked-title" className="text-2xl">
        Blocked members
      </h2>
      <p>
        You don't see the posts and messages of people you block unless you choose to; they can't send you direct messages or mention you;
        they aren't told. Moderators still moderate. To block someone, use “Block” on their profile, a chat message or a post.
      </p>
      {result?.ok ? <StatusMessage message={result.message} /> : <FormErrors errors={result ? [result.message] : []} />}
      {blocked.length ? (
        <ul className="space-y-3" aria-label="Members you block">
          {blocked.map((b) => (
            <li key={b.id} className="flex flex-wrap items-center justify-between gap-3 rounded-lg border-2 border-stone-300 bg-white p-4 dark:border-stone-600 dark:bg-stone-800" data-testid="blocked-member">
              <div>
                <p className="font-semibold">{b.displayName}</p>
                <p className="text-base">Blocked since {dateFormat.format(new Date(b.since))}</p>
              </div>
              <Form method="post">
                <input type="hidden" name="userId" value={b.id} />
                <Button type="submit" name="intent" value="unblock" variant="secondary" disabled={busy}>
                  Unblock<span className="sr-only"> {b.displayName}</span>
                </Button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p>You don't block anyone.</p>
      )}
    </section>
  );
}
