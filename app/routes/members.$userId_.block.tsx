import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { invalidInput, loaderWork, pageActionFailure, actionSuccess, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { safeRedirect } from "#app/lib/redirect";
import { BlockFormSchema, blockStatus, setBlock } from "#app/modules/accounts/blocks.server";
import { MemberIdSchema } from "#app/modules/accounts/profile.schema";

/**
 * Blocking one member, with the confirm step: what a block does, then Block (or Unblock). Reached
 * from their profile, a chat message's options and a forum post. Plain forms: no JS needed. 404 for
 * an unknown or deleted account.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Block ${data.member.displayName} — Hearth` : "Not found — Hearth" }];

const Params = z.object({ userId: MemberIdSchema });

export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { userId } = requireParams(params, Params);
  return loaderWork(() => blockStatus(context.app, viewer, userId));
}

export async function action({ params, context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { userId } = requireParams(params, Params);
  const form = await readForm(request);
  let done: Awaited<ReturnType<typeof setBlock>>;
  try {
    const parsed = BlockFormSchema.safeParse({ intent: form.get("intent"), userId });
    if (!parsed.success) throw invalidInput(parsed.error, "Choose to block or unblock.");
    done = await setBlock(context.app, viewer, parsed.data);
  } catch (e) {
    return pageActionFailure(e);
  }
  // Back where the member came from (a room collapses their messages as it opens again), or stay here.
  const back = form.get("back");
  if (typeof back === "string" && back) return redirect(safeRedirect(back, "/settings/blocked"));
  return actionSuccess(done.blocked ? `You have blocked ${done.displayName}.` : `You have unblocked ${done.displayName}.`);
}

const BLOCK_EXPLAINED =
  "You won't see their posts and messages unless you choose to; they can't send you direct messages or mention you; they aren't told. Moderators still moderate.";

export default function BlockMember() {
  const { member, self, blocked } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const back = useSearchParams()[0].get("back") ?? "";
  return (
    <section aria-labelledby="block-title" className="max-w-2xl space-y-6">
      <h1 id="block-title" className="text-3xl">
        {blocked ? `You block ${member.displayName}` : `Block ${member.displayName}?`}
      </h1>
      {result?.ok ? <StatusMessage message={result.message} /> : <FormErrors errors={result ? [result.message] : []} />}
      {self ? (
        <p>You can't block yourself.</p>
      ) : (
        <>
          {blocked ? (
            <p>Their posts and messages show collapsed for you, and they can't send you direct messages or mention you. Unblocking undoes all of that; they aren't told either way.</p>
          ) : (
            <p className="text-lg">{BLOCK_EXPLAINED}</p>
          )}
          <Form method="post" className="flex flex-wrap gap-3">
            <input type="hidden" name="back" value={back} />
            <Button type="submit" name="intent" value={blocked ? "unblock" : "block"} variant={blocked ? "secondary" : "danger"} disabled={busy}>
              {blocked ? "Unblock" : "Block"} {member.displayName}
            </Button>
          </Form>
        </>
      )}
      <p className="flex flex-wrap gap-x-6">
        {back ? (
          <Link to={safeRedirect(back, "/groups")} className="inline-flex min-h-11 items-center">
            Go back
          </Link>
        ) : null}
        <Link to="/settings/blocked" className="inline-flex min-h-11 items-center">
          Everyone you block
        </Link>
      </p>
    </section>
  );
}
