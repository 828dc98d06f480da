import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { MarkdownContent } from "#app/components/ui/markdown-content";
import { ReviewStamp } from "#app/components/library/review-stamp";
import { TagChips } from "#app/components/library/tag-chips";
import { Badge, VerifiedBadge } from "#app/components/ui/badge";
import { Button, ButtonLink } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { Invalid, NotFound } from "#app/lib/errors";
import { actionFailure, actionSuccess, loaderWork, pageActionFailure, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { categoryLabels, kindLabels, ResourceActionSchema, ResourceIdSchema } from "#app/modules/library/library.schema";
import { bookmarkResource, getResource, restoreResource, retireResource, reviewResource, unbookmarkResource } from "#app/modules/library/library.server";
import { countVersions } from "#app/modules/library/history.server";
import { textStatusOf } from "#app/modules/library/pdf-text.server";
import { PdfTextStatus } from "#app/components/library/pdf-text-status";
import { can } from "#app/policy.server";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.resource.title} — Library — Hearth` : "Library — Hearth" }];

const ResourceParams = z.object({ resourceId: ResourceIdSchema });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { resourceId: id } = requireParams(params, ResourceParams, () => NotFound("That resource"));
  return loaderWork(async () => {
    const r = await getResource(context.app, context.viewer, id);
    const versions = can(context.viewer, "library.viewHistory", r.target) ? await countVersions(context.app, r.id) : null;
    // Staff see whether a PDF's text was read for search.
    const pdfText = r.kind === "document" && r.permissions.edit ? await textStatusOf(context.app, r.id) : null;
    return {
      versions,
      pdfText,
      resource: {
        id: r.id,
        kind: r.kind,
        category: r.category,
        title: r.title,
        summaryHtml: r.summaryHtml,
        bodyHtml: r.bodyHtml,
        contents: r.contents,
        url: r.url,
        file: r.file,
        tags: r.tags,
        reviewedAt: r.reviewedAt?.toISOString() ?? null,
        reviewDue: r.reviewDue,
        retired: r.retiredAt !== null,
        bookmarked: r.bookmarked,
        organization: r.organization,
        group: r.group,
        permissions: r.permissions,
      },
      related: {
        threads: r.related.threads,
        events: r.related.events.map((e) => ({ ...e, startsAt: e.startsAt.toISOString() })),
      },
      signedIn: context.viewer !== null,
    };
  });
}

const done: Record<string, string> = {
  bookmark: "Bookmarked. You'll find it under My bookmarks.",
  unbookmark: "Bookmark removed.",
  review: "Review stamp renewed: reviewed today.",
  retire: "Retired: readers no longer see this resource.",
  restore: "Restored: readers can see this resource again.",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { resourceId: id } = requireParams(params, ResourceParams, () => NotFound("That resource"));
  const parsed = ResourceActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return actionFailure(Invalid("Unknown action."));
  const { intent } = parsed.data;
  try {
    if (intent === "bookmark") await bookmarkResource(context.app, viewer, id);
    else if (intent === "unbookmark") await unbookmarkResource(context.app, viewer, id);
    else if (intent === "review") await reviewResource(context.app, viewer, id);
    else if (intent === "retire") await retireResource(context.app, viewer, id);
    else await restoreResource(context.app, viewer, id);
  } catch (e) {
    return pageActionFailure(e);
  }
  if (intent === "retire") return redirect(`/library/${id}?retired=1`);
  return actionSuccess(done[intent] ?? "Done.");
}

/** "On this page": a link to each of the guide's headings, indented by level. */
function GuideContents({ headings }: { headings: { id: string; text: string; level: 2 | 3 | 4 }[] }) {
  const indent = { 2: "", 3: "pl-6", 4: "pl-12" } as const;
  return (
    <nav aria-labelledby="guide-contents-title" className="rounded-lg border-2 border-stone-300 p-4 dark:border-stone-600">
      <h2 id="guide-contents-title" className="text-xl">
        On this page
      </h2>
      <ul className="mt-2">
        {headings.map((h) => (
          <li key={h.id} className={indent[h.level]}>
            {/* A router link, not a bare #anchor: each jump gets its own history entry, so scroll
                restoration and focus (RouteFocus) follow it, and Back returns to the last section. */}
            <Link to={{ hash: h.id }} className="inline-flex min-h-11 items-center">
              {h.text}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function formatSize(bytes: number) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const typeNames: Record<string, string> = { "application/pdf": "PDF", "image/png": "PNG image", "image/jpeg": "JPEG image" };

export default function ResourcePage() {
  const { resource: r, related, signedIn, versions, pdfText } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const organizer = r.permissions.review || r.permissions.restore;
  return (
    <article aria-labelledby="resource-title" className="max-w-3xl space-y-6">
      <p>
        <Link to="/library" className="inline-flex min-h-11 items-center">
          ← The library
        </Link>
      </p>
      <header className="space-y-3">
        <h1 id="resource-title" className="text-3xl">
          {r.title}
        </h1>
        <p className="flex flex-wrap items-center gap-2">
          <Badge tone="brand">{kindLabels[r.kind]}</Badge>
          <Link to={`/library?category=${r.category}`} className="inline-flex min-h-11 items-center">
            {categoryLabels[r.category]}
          </Link>
          {r.group ? (
            <Link to={`/groups/${r.group.slug}`} className="inline-flex min-h-11 items-center">
              {r.group.private ? `${r.group.name} (private group)` : r.group.name}
            </Link>
          ) : null}
          {r.retired ? <Badge tone="warning">Retired</Badge> : null}
        </p>
        <p className="flex flex-wrap items-center gap-2 text-base">
          <span>
            From <strong>{r.organization.name}</strong>
          </span>
          {r.organization.verified ? <VerifiedBadge /> : null}
        </p>
        <p className="text-base">
          <ReviewStamp organization={r.organization.name} reviewedAt={r.reviewedAt} reviewDue={r.reviewDue} organizer={organizer} />
        </p>
      </header>

      {result ? result.ok ? <StatusMessage message={result.message} /> : <FormErrors errors={[result.message]} /> : <StatusMessage />}

      {r.summaryHtml ? (
        <section aria-label="Summary">
          <MarkdownContent html={r.summaryHtml} />
        </section>
      ) : null}

      {r.kind === "link" && r.url ? (
        <p>
          <a href={r.url} target="_blank" rel="noopener noreferrer" className="inline-flex min-h-11 items-center text-lg font-semibold">
            Visit {new URL(r.url).hostname}
            <span className="sr-only"> (opens in a new tab, outside Hearth)</span>
            <span aria-hidden="true">&nbsp;↗</span>
          </a>
        </p>
      ) : null}

      {r.kind === "document" && r.file ? (
        <p>
          <a href={`/library/${r.id}/file`} download className="inline-flex min-h-11 items-center text-lg font-semibold">
            Download {r.file.name}
          </a>{" "}
          <span className="text-base">
            ({typeNames[r.file.mime] ?? "file"}, {formatSize(r.file.size)})
          </span>
        </p>
      ) : null}
      {pdfText?.status ? <PdfTextStatus status={pdfText.status} pages={pdfText.pages} /> : null}

      {r.kind === "guide" && r.bodyHtml ? (
        <>
          {r.contents.length >= 3 ? <GuideContents headings={r.contents} /> : null}
          <section aria-label="Guide">
            <MarkdownContent html={r.bodyHtml} />
          </section>
        </>
      ) : null}

      <TagChips tags={r.tags} />

      <div className="flex flex-wrap gap-3">
        {r.permissions.bookmark ? (
          <Form method="post">
            <input type="hidden" name="intent" value={r.bookmarked ? "unbookmark" : "bookmark"} />
            <Button type="submit" variant="secondary" disabled={busy}>
              {r.bookmarked ? "Remove bookmark" : "Bookmark"}
            </Button>
          </Form>
        ) : !signedIn ? (
          <ButtonLink to={`/signin?redirectTo=${encodeURIComponent(`/library/${r.id}`)}`} variant="secondary">
            Sign in to bookmark
          </ButtonLink>
        ) : null}
        {r.permissions.edit ? (
          <ButtonLink to={`/library/${r.id}/edit`} variant="secondary">
            Edit
          </ButtonLink>
        ) : null}
        {versions !== null ? (
          <ButtonLink to={`/library/${r.id}/history`} variant="secondary">
            History ({versions === 1 ? "1 version" : `${versions} versions`})
          </ButtonLink>
        ) : null}
        {r.permissions.review ? (
          <Form method="post">
            <input type="hidden" name="intent" value="review" />
            <Button type="submit" variant="secondary" disabled={busy}>
              Mark as reviewed today
            </Button>
          </Form>
        ) : null}
        {r.permissions.retire ? (
          <Form method="post">
            <input type="hidden" name="intent" value="retire" />
            <Button type="submit" variant="danger" disabled={busy}>
              Retire
            </Button>
          </Form>
        ) : null}
        {r.permissions.restore ? (
          <Form method="post">
            <input type="hidden" name="intent" value="restore" />
            <Button type="submit" variant="secondary" disabled={busy}>
              Restore
            </Button>
          </Form>
        ) : null}
      </div>

      {related.threads.length || related.events.length ? (
        <section aria-labelledby="related-title" className="space-y-3">
          <h2 id="related-title" className="text-2xl">
            Related in the community
          </h2>
          <ul className="list-disc space-y-1 pl-7">
            {related.threads.map((t) => (
              <li key={`t-${t.id}`}>
                <Link to={`/groups/${t.groupSlug}/forum/${t.id}`} className="inline-flex min-h-11 items-center">
                  {t.title}
                </Link>{" "}
                <span className="text-base">(thread in {t.groupName})</span>
              </li>
            ))}
            {related.events.map((e) => (
              <li key={`e-${e.id}`}>
                <Link to={`/events/${e.id}`} className="inline-flex min-h-11 items-center">
                  {e.title}
                </Link>{" "}
                <span className="text-base">(event)</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p className="text-base text-stone-700 dark:text-stone-300">
        Resources are chosen by patient organizations to help you learn and prepare questions. They are not medical advice.
      </p>
    </article>
  );
}
