import { renderMarkdown } from "#app/lib/markdown.server";
import type { ResourceView } from "./library.server";
import type { SnippetPart } from "#app/lib/search-snippets";

/** A resource as a list card (plain JSON for loaders); the summary is rendered by THE markdown renderer. */
export function toCard(r: ResourceView & { match?: { title: SnippetPart[]; snippet: SnippetPart[]; page?: number | null } | null }) {
  return {
    id: r.id,
    kind: r.kind,
    category: r.category,
    title: r.title,
    summaryHtml: r.summary ? renderMarkdown(r.summary) : "",
    tags: r.tags,
    reviewedAt: r.reviewedAt ? r.reviewedAt.toISOString() : null,
    reviewDue: r.reviewDue,
    retired: r.retiredAt !== null,
    bookmarked: r.bookmarked,
    organization: r.organization,
    group: r.group ? { slug: r.group.slug, name: r.group.name, private: r.group.private } : null,
    organizer: r.permissions.review || r.permissions.restore,
    match: r.match ?? null,
  };
}
