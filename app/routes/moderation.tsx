import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { HeldItems, heldKey } from "#app/components/moderation/held-items";
import { QueueItem } from "#app/components/moderation/queue-item";
import { When } from "#app/components/moderation/when";
import { Button } from "#app/components/ui/button";
import { PageLinks } from "#app/components/ui/page-links";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess, fieldErrorsOf, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { hrefWith } from "#app/lib/keyset.server";
import { AppealDecisionSchema, groupMuteChoices, QueueActionSchema, queueItemKey, QueuePagingSchema, anyReasonLabels } from "#app/modules/moderation/moderation.schema";
import { decideAppeal } from "#app/modules/moderation/appeals.server";
import { actOnReport } from "#app/modules/moderation/decisions.server";
import { listQueue } from "#app/modules/moderation/queue.server";
import { approveHeld, HeldDecisionSchema, HeldPagingSchema, listHeld, rejectHeld } from "#app/modules/moderation/held-queue.server";

export const meta: MetaFunction = () => [{ title: "Moderation queue — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const query = QueuePagingSchema.parse(search);
  const heldQuery = HeldPagingSchema.parse(search);
  return loaderWork(async () => {
    const { queue, paging, appeals, appealsPaging, groups, siteWide } = await listQueue(context.app, viewer, query);
    const held = await listHeld(context.app, viewer, { after: heldQuery.heldAfter, before: heldQuery.heldBefore });
    // Each list pages on its own; the other list's cursor stays in the address.
    const href = (changes: Record<string, string | null>) => hrefWith(request.url, changes);
    return {
      siteWide,
      groups,
      queuePages: {
        next: paging.next ? href({ after: paging.next, before: null }) : null,
        previous: paging.previous ? href({ before: paging.previous, after: null }) : null,
      },
      appealPages: {
        next: appealsPaging.next ? href({ appealsAfter: appealsPaging.next, appealsBefore: null }) : null,
        previous: appealsPaging.previous ? href({ appealsBefore: appealsPaging.previous, appealsAfter: null }) : null,
      },
      queue: queue.map((q) => ({
        ...q,
        firstReportedAt: q.firstReportedAt.toISOString(),
        authorHistory: q.authorHistory.map((h) => ({ ...h, createdAt: h.createdAt.toISOString() })),
      })),
      appeals: appeals.map((a) => ({ ...a, createdAt: a.createdAt.toISOString(), actionAt: a.actionAt.toISOString() })),
      held: {
        items: held.items.map((h) => ({ ...h, createdAt: h.createdAt.toISOString() })),
        total: held.total,
        pages: {
          next: held.next ? href({ heldAfter: held.next, heldBefore: null }) : null,
          previous: held.previous ? href({ heldBefore: held.previous, heldAfter: null }) : null,
        },
      },
    };
  });
}

const done: Record<string, string> = {
  dismiss: "Dismissed. Every report about this content is closed.",
  remove: "Removed. The author has been told why.",
  warn: "Warning sent to the author.",
  mute: "The author is muted in this group.",
  ban: "The author is banned from this group.",
  escalate: "Escalated to the site administrators.",
  uphold: "Appeal decided: the decision stands.",
  overturn: "Appeal decided: the decision was reversed.",
  approveHeld: "Approved and published. The author has been told.",
  rejectHeld: "Rejected. The author has been told why.",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const form = Object.fromEntries(await readForm(request));
  const isAppeal = form.intent === "uphold" || form.intent === "overturn" || "appealId" in form;
  const isHeld = form.intent === "approveHeld" || form.intent === "rejectHeld" || "heldId" in form;
  const key = isHeld
    ? heldKey(String(form.heldId ?? ""))
    : isAppeal
    ? `appeal:${String(form.appealId ?? "")}`
    : queueItemKey({ targetType: String(form.targetType ?? ""), targetId: String(form.targetId ?? ""), groupId: String(form.groupId ?? "") || null });
  // The queue has a form per item: each result names the item it answers.
  const fail = (e: unknown) => actionFailure(e, { key });
  try {
    if (isHeld) {
      const parsed = HeldDecisionSchema.safeParse(form);
      if (!parsed.success) return fail(Invalid("Please check the form.", fieldErrorsOf(parsed.error)));
      if (parsed.data.intent === "approveHeld") await approveHeld(context.app, viewer, parsed.data);
      else await rejectHeld(context.app, viewer, parsed.data);
      return actionSuccess(done[parsed.data.intent]!, { key });
    }
    if (isAppeal) {
      const parsed = AppealDecisionSchema.safeParse(form);
      if (!parsed.success) return fail(Invalid("Please check the form.", fieldErrorsOf(parsed.error)));
      await decideAppeal(context.app, viewer, parsed.data);
      return actionSuccess(done[parsed.data.intent]!, { key });
    }
    const parsed = QueueActionSchema.safeParse(form);
    if (!parsed.success) {
      const errors = fieldErrorsOf(parsed.error);
      if (!form.intent) errors.intent = ["Choose a decision."];
      return fail(Invalid("Please check the form.", errors));
    }
    const result = await actOnReport(context.app, viewer, parsed.data);
    return actionSuccess(done[result.intent]!, { key });
  } catch (e) {
    return fail(e);
  }
}

export default function ModerationQueue() {
  const { queue, queuePages, appeals, appealPages, groups, siteWide, held } = useLoaderData<typeof loader>();
  const feedback = useActionData<typeof action>() ?? null;
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="queue-title" className="space-y-6">
      <h1 id="queue-title" className="text-3xl">
        Moderation queue
      </h1>
      <p>
        {siteWide ? "As a site administrator you see every group's reports, escalations included." : `Groups you moderate: ${groups.map((g) => g.name).join(", ")}.`}{" "}
        Reports about someone who may be in crisis come first; then the oldest.
      </p>
      {feedback && feedback.ok ? (
        <p role="status" className="rounded-lg border-2 border-green-700 bg-green-50 p-4 text-green-900 dark:bg-green-950 dark:text-green-100">
          {feedback.message}
        </p>
      ) : null}
      <HeldItems items={held.items} total={held.total} pages={held.pages} feedback={feedback} busy={busy} />
      <h2 className="text-2xl">Reports</h2>
      {queue.length === 0 ? <p>No open reports. Thank you for keeping the groups safe.</p> : null}
      <div className="space-y-6">
        {queue.map((item) => (
          <QueueItem key={item.key} item={item} reasonLabels={anyReasonLabels} muteChoices={groupMuteChoices} feedback={feedback} busy={busy} />
        ))}
      </div>
      <PageLinks label="Pages of reports" previous={queuePages.previous} next={queuePages.next} previousText="← Earlier reports" nextText="More reports →" />
      <h2 className="text-2xl">Appeals</h2>
      {appeals.length === 0 ? <p>No open appeals.</p> : null}
      <ul className="space-y-6" aria-label="Open appeals">
        {appeals.map((a) => {
          const key = `appeal:${a.id}`;
          const mine = feedback && feedback.key === key ? feedback : null;
          const noteError = mine?.fieldErrors?.note?.[0];
          return (
            <li key={a.id} className="space-y-3 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600" data-testid="appeal-item">
              <p className="text-lg font-semibold">
                {a.userName} appeals <code>{a.action}</code>
                {a.groupName ? ` in ${a.groupName}` : ""} (decided <When iso={a.actionAt} />)
              </p>
              <p>Reason given: {a.reason || "—"}</p>
              <blockquote className="whitespace-pre-wrap border-l-4 border-stone-400 pl-3">{a.body}</blockquote>
              <Form method="post" className="space-y-3">
                <input type="hidden" name="appealId" value={a.id} />
                <div className="flex flex-col gap-1">
                  <label htmlFor={`note-${a.id}`} className="font-semibold">
                    Note to the member
                  </label>
                  <textarea
                    id={`note-${a.id}`}
                    name="note"
                    rows={2}
                    maxLength={500}
                    className="w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50"
                    aria-invalid={noteError ? true : undefined}
                    aria-describedby={`note-${a.id}-error`}
                  />
                  <p id={`note-${a.id}-error`} className="font-medium text-red-800 dark:text-red-300">{noteError}</p>
                </div>
                {mine && !mine.ok && !mine.fieldErrors ? <p role="alert">{mine.message}</p> : null}
                <div className="flex flex-wrap gap-3">
                  <Button type="submit" name="intent" value="uphold" variant="secondary" disabled={busy}>
                    Keep the decision
                  </Button>
                  <Button type="submit" name="intent" value="overturn" disabled={busy}>
                    Reverse the decision
                  </Button>
                </div>
              </Form>
            </li>
          );
        })}
      </ul>
      <PageLinks label="Pages of appeals" previous={appealPages.previous} next={appealPages.next} previousText="← Earlier appeals" nextText="More appeals →" />
      <p>
        <Link to="/help" className="inline-flex min-h-11 items-center">
          Crisis resources ("Get help now")
        </Link>
      </p>
    </section>
  );
}
