import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formatReviewDate } from "#app/components/library/review-stamp";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess, loaderWork, pageActionFailure, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { reviewResource } from "#app/modules/library/library.server";
import { REVIEW_SOON_DAYS } from "#app/modules/library/library.schema";
import { UpkeepActionSchema, UpkeepQuerySchema } from "#app/modules/library/upkeep.schema";
import { getLibraryUpkeep, type UpkeepReviewer } from "#app/modules/library/upkeep.server";
import { OrganizationSlugSchema } from "#app/modules/organizations/organizations.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Library upkeep — ${data?.organization.name ?? "Organization"} — Hearth` }];

const Params = z.object({ slug: OrganizationSlugSchema });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, Params);
  const query = UpkeepQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loaderWork(() => getLibraryUpkeep(context.app, viewer, slug, { onlyMine: query.mine === "1" }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const parsed = UpkeepActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return actionFailure(Invalid("That request was not understood. Please reload the page."));
  try {
    await reviewResource(context.app, viewer, parsed.data.resourceId, context.app.clock.now());
  } catch (e) {
    return pageActionFailure(e);
  }
  return actionSuccess("Marked reviewed today.", { resourceId: parsed.data.resourceId });
}

function ReviewerText({ reviewer }: { reviewer: UpkeepReviewer | null }) {
  if (!reviewer) return <span>Reviewer: no one (all staff are reminded)</span>;
  return <span>Reviewer: {reviewer.onTeam ? reviewer.name : `${reviewer.name} (no longer on the team: all staff are reminded)`}</span>;
}

function MarkReviewed({ id, title, busy }: { id: string; title: string; busy: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="review" />
      <input type="hidden" name="resourceId" value={id} />
      <Button type="submit" variant="secondary" disabled={busy}>
        Mark reviewed<span className="sr-only">: {title}</span>
      </Button>
    </Form>
  );
}

type ReviewRow = SerializeFrom<typeof loader>["overdue"][number];

/** One list of resources to review (overdue, due soon): title, due date, reviewer, "Mark reviewed". */
function ReviewSection(props: { id: string; title: string; rows: ReviewRow[]; due: string; empty: JSX.Element; busy: boolean }) {
  return (
    <section aria-labelledby={props.id} className="space-y-3">
      <h2 id={props.id} className="text-2xl">
        {props.title} ({props.rows.length})
      </h2>
      {props.rows.length === 0 ? props.empty : null}
      <ul className="space-y-2">
        {props.rows.map((r) => (
          <li key={r.id} className={rowClass}>
            <Link to={`/library/${r.id}`} className="inline-flex min-h-11 items-center font-semibold">
              {r.title}
            </Link>
            <span>
              {props.due} <time dateTime={r.dueAt}>{formatReviewDate(r.dueAt)}</time>
            </span>
            <ReviewerText reviewer={r.reviewer} />
            <MarkReviewed id={r.id} title={r.title} busy={props.busy} />
          </li>
        ))}
      </ul>
    </section>
  );
}

const rowClass = "flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border-2 border-stone-300 p-3 dark:border-stone-600";

export default function LibraryUpkeep() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { organization: org } = data;
  const empty = (what: string) => <p>{data.onlyMine ? `None of the resources you review ${what}.` : `No resources ${what}.`}</p>;
  return (
    <section aria-labelledby="upkeep-title" className="max-w-4xl space-y-6">
      <p>
        <Link to={`/organizations/${org.slug}`} className="inline-flex min-h-11 items-center">
          ← {org.name}
        </Link>
      </p>
      <h1 id="upkeep-title" className="text-3xl">
        Library upkeep: {org.name}
      </h1>
      <p>Resources are reviewed every year. Editing a resource does not renew its review: mark it reviewed once you have checked it.</p>
      {result ? result.ok ? <StatusMessage message={result.message} /> : <FormErrors errors={[result.message]} /> : null}
      <Form method="get" className="flex flex-wrap items-center gap-4">
        <label className="inline-flex min-h-11 items-center gap-3 text-lg">
          <input type="checkbox" name="mine" value="1" defaultChecked={data.onlyMine} className="h-6 w-6" />
          Only mine (resources I review)
        </label>
        <Button type="submit" variant="secondary">
          Show
        </Button>
      </Form>

      <ReviewSection id="overdue-title" title="Overdue" rows={data.overdue} due="Due since" empty={empty("are overdue for review")} busy={busy} />
      <ReviewSection
        id="soon-title"
        title={`Due in the next ${REVIEW_SOON_DAYS} days`}
        rows={data.dueSoon}
        due="Due"
        empty={empty(`are due in the next ${REVIEW_SOON_DAYS} days`)}
        busy={busy}
      />

      <section aria-labelledby="broken-title" className="space-y-3">
        <h2 id="broken-title" className="text-2xl">
          Broken links ({data.brokenLinks.length})
        </h2>
        {data.brokenLinks.length === 0 ? <p>{data.onlyMine ? "No broken links among the resources you review." : "The weekly link check found no broken links."}</p> : null}
        <ul className="space-y-2">
          {data.brokenLinks.map((b) => (
            <li key={b.id} className={rowClass}>
              <Link to={`/library/${b.id}`} className="inline-flex min-h-11 items-center font-semibold">
                {b.title}
              </Link>
              <span className="break-all">{b.url}</span>
              <span>
                {b.error}, since <time dateTime={b.brokenSince}>{formatReviewDate(b.brokenSince)}</time>
              </span>
              <ReviewerText reviewer={b.reviewer} />
              <MarkReviewed id={b.id} title={b.title} busy={busy} />
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
