import { Link } from "@remix-run/react";
import { MarkdownContent } from "#app/components/ui/markdown-content";
import { Highlighted } from "#app/components/highlighted";
import { Badge, VerifiedBadge } from "#app/components/ui/badge";
import type { SnippetPart } from "#app/lib/search-snippets";
import { categoryLabels, kindLabels, type ResourceCategory, type ResourceKind } from "#app/modules/library/library.schema";
import { ReviewStamp } from "./review-stamp";
import { TagChips } from "./tag-chips";

export interface ResourceCardData {
  id: string;
  kind: ResourceKind;
  category: ResourceCategory;
  title: string;
  summaryHtml: string;
  tags: string[];
  reviewedAt: string | null;
  reviewDue: boolean;
  retired: boolean;
  bookmarked: boolean;
  organization: { slug: string; name: string; verified: boolean };
  group: { slug: string; name: string; private: boolean } | null;
  organizer: boolean;
  /** page: the PDF page whose text matched best (the snippet is from it). */
  match: { title: SnippetPart[]; snippet: SnippetPart[]; page?: number | null } | null;
}

/** One resource in a list: title link, kind, category, organization, review stamp, summary or search snippet. */
export function ResourceCard({ r, headingLevel = 2 }: { r: ResourceCardData; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <article className="space-y-2 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
      <Heading className="text-xl font-semibold">
        <Link to={`/library/${r.id}`} className="inline-flex min-h-11 items-center">
          {r.match ? <Highlighted parts={r.match.title} /> : r.title}
        </Link>
      </Heading>
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone="brand">{kindLabels[r.kind]}</Badge>
        <Badge>{categoryLabels[r.category]}</Badge>
        {r.group ? <Badge>{r.group.private ? `${r.group.name} (private)` : r.group.name}</Badge> : null}
        {r.retired ? <Badge tone="warning">Retired</Badge> : null}
        {r.bookmarked ? <Badge tone="success">Bookmarked</Badge> : null}
      </p>
      <p className="flex flex-wrap items-center gap-2 text-sm text-stone-700 dark:text-stone-300">
        <span>{r.organization.name}</span>
        {r.organization.verified ? <VerifiedBadge /> : null}
        <span aria-hidden="true">·</span>
        <ReviewStamp organization={r.organization.name} reviewedAt={r.reviewedAt} reviewDue={r.reviewDue} organizer={r.organizer} />
      </p>
      {r.match ? (
        <p className="text-base">
          {r.match.page ? (
            // The file itself, opened at the page (a document link, not a client route).
            <a href={`/library/${r.id}/file#page=${r.match.page}`} className="mr-1 inline-flex min-h-11 items-center font-semibold underline">
              Page {r.match.page}
              <span className="sr-only"> of {r.title}</span>:
            </a>
          ) : null}
          <Highlighted parts={r.match.snippet} />
        </p>
      ) : r.summaryHtml ? (
        <MarkdownContent html={r.summaryHtml} />
      ) : null}
      <TagChips tags={r.tags} size="sm" />
    </article>
  );
}
