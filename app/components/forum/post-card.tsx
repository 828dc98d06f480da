import { useFetcher, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Badge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { ListLink } from "#app/components/ui/list-link";
import { MarkdownContent } from "#app/components/ui/markdown-content";
import { StaffBadge } from "#app/components/ui/staff-badge";
import type { StaffRole } from "#app/lib/staff-role";
import { BlockedDisclosure } from "#app/components/blocked-content";
import { HiddenNotice } from "#app/components/moderation/hidden-notice";
import { ReportFields } from "#app/components/moderation/report-fields";
import { ReactionButtons, type ReactionKind } from "./reaction-buttons";
import { RelativeTime } from "./relative-time";
import { type ActionResult } from "#app/lib/action-result";
import { blockHref } from "#app/lib/block-links";

/** A post's author, sent once per page for all their posts (the thread loader's `authors`). */
export interface AuthorView {
  name: string;
  /** Their profile page, when it would open for the viewer. */
  href?: string;
  staff?: StaffRole;
  /** Their id, when the viewer may block them from here (signed-in viewers, others' posts): the id, not the link, which is the same for every post but this. */
  blockUserId?: string;
}

export interface PostView {
  id: string;
  isOpening?: boolean;
  createdAt: string;
  editedAt?: string | null;
  state: "visible" | "deleted_by_author" | "removed";
  /** Auto-hidden pending review: the notice in place of the content (moderators get `html` with it). */
  hidden?: boolean;
  /** Whether the viewer sees the body; `html` is absent on a document request even then (sent in the markup only, see MarkdownContent). */
  hasBody: boolean;
  html?: string | null;
  removalReason?: string | null;
  reactions: Record<ReactionKind, number>;
  mine: ReactionKind[];
  /** What the viewer may do with this post; a thread page sends only the granted ones. */
  permissions: { edit?: boolean; delete?: boolean; react?: boolean; report?: boolean };
  /** The viewer blocks the author: the post shows collapsed (the thread loader decides; never for moderators). */
  blocked?: boolean;
}

export interface ReportReason {
  value: string;
  label: string;
}


/** The id of a post's rendered body: its HTML travels in the markup once (MarkdownContent). */
export const postBodyId = (postId: string) => `post-${postId}-body`;

/** Component classes (tailwind.css): a thread repeats these 50 times. */
const summaryClass = "post-summary";

/** A small form posting one intent through a fetcher, with its result announced next to it. */
function IntentForm({ intent, postId, children, className = "" }: { intent: string; postId: string; children: (busy: boolean, result?: ActionResult) => ReactNode; className?: string }) {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  return (
    <fetcher.Form method="post" preventScrollReset className={className}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="postId" value={postId} />
      {children(busy, fetcher.state === "idle" ? fetcher.data : undefined)}
      <p role="status" className={fetcher.data && !fetcher.data.ok ? "text-red-800 dark:text-red-300" : ""}>
        {fetcher.state === "idle" ? fetcher.data?.message : null}
      </p>
    </fetcher.Form>
  );
}

export function PostCard({
  post,
  author,
  now,
  threadHref,
  moderate,
  reportReasons,
}: {
  post: PostView;
  author: AuthorView;
  now: string;
  /** The thread's path: edit and block links are built from it. */
  threadHref: string;
  moderate: boolean;
  reportReasons: ReportReason[];
}) {
  if (post.blocked) {
    return (
      <BlockedDisclosure>
        <PostCard post={{ ...post, blocked: false }} author={author} now={now} threadHref={threadHref} moderate={moderate} reportReasons={reportReasons} />
      </BlockedDisclosure>
    );
  }
  const headingId = `post-${post.id}-by`;
  const isVisible = post.state === "visible";
  return (
    // Focusable (not in the tab order) so the thread's j/k shortcuts can move to it (they find it by its class).
    <article id={`post-${post.id}`} aria-labelledby={headingId} tabIndex={-1} className="post-card">
      <header>
        <h2 id={headingId}>
          {author.href ? (
            <ListLink to={author.href}>{author.name}</ListLink>
          ) : (
            author.name
          )}
          <span className="sr-only">{post.isOpening ? ", opening post" : ", reply"}</span>
        </h2>
        <StaffBadge role={author.staff ?? null} />
        {post.isOpening ? <Badge>Opening post</Badge> : null}
        <RelativeTime iso={post.createdAt} now={now} showExact />
        {post.editedAt && isVisible ? (
          <span className="text-base italic">
            (edited <RelativeTime iso={post.editedAt} now={now} />)
          </span>
        ) : null}
      </header>

      {post.state === "deleted_by_author" ? <p className="italic">This post was deleted by its author.</p> : null}
      {post.state === "removed" ? (
        <p className="italic">
          This post was removed by a moderator.
          {post.removalReason ? <> Reason: {post.removalReason}</> : null}
        </p>
      ) : null}
      {isVisible && post.hidden ? (
        <HiddenNotice>{post.hasBody ? <MarkdownContent html={post.html ?? null} id={postBodyId(post.id)} /> : null}</HiddenNotice>
      ) : post.hasBody ? (
        isVisible ? (
          <MarkdownContent html={post.html ?? null} id={postBodyId(post.id)} />
        ) : (
          <details className="rounded-lg bg-stone-100 p-3 dark:bg-stone-800">
            <summary className={summaryClass}>Show the hidden content (moderators only)</summary>
            <MarkdownContent html={post.html ?? null} id={postBodyId(post.id)} />
          </details>
        )
      ) : null}

      {isVisible ? <ReactionButtons postId={post.id} counts={post.reactions} mine={post.mine} canReact={post.permissions.react ?? false} /> : null}

      <div className="post-actions">
        {post.permissions.edit ? (
          <ListLink to={`${threadHref}/posts/${post.id}/edit`}>
            Edit<span className="sr-only"> your post</span>
          </ListLink>
        ) : null}
        {post.permissions.delete ? (
          <details>
            <summary className={summaryClass}>Delete…</summary>
            <IntentForm intent="delete" postId={post.id} className="mt-2 space-y-2">
              {(busy) => (
                <>
                  <p>Delete this post? It will show as deleted by its author; replies stay.</p>
                  <Button type="submit" variant="danger" disabled={busy}>
                    {busy ? "Deleting…" : "Yes, delete my post"}
                  </Button>
                </>
              )}
            </IntentForm>
          </details>
        ) : null}
        {post.permissions.report ? <ReportDisclosure postId={post.id} reportReasons={reportReasons} /> : null}
        {moderate && post.state === "visible" ? (
          <details>
            <summary className={summaryClass}>Remove (moderator)…</summary>
            <IntentForm intent="remove-post" postId={post.id} className="mt-2 space-y-2">
              {(busy, result) => (
                <>
                  <label className="flex flex-col gap-1">
                    <span className="font-semibold">Reason for removing (the author sees it)</span>
                    <input name="reason" required minLength={3} maxLength={500} className="min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg dark:bg-stone-800" />
                  </label>
                  {result?.fieldErrors?.reason ? <p className="text-red-800 dark:text-red-300">{result.fieldErrors.reason.join(" ")}</p> : null}
                  <Button type="submit" variant="danger" disabled={busy}>
                    {busy ? "Removing…" : "Remove post"}
                  </Button>
                </>
              )}
            </IntentForm>
          </details>
        ) : null}
        {author.blockUserId ? (
          <ListLink to={blockHref(author.blockUserId, threadHref)}>{`Block ${author.name}`}</ListLink>
        ) : null}
        {moderate && post.state === "removed" ? (
          <IntentForm intent="restore-post" postId={post.id}>
            {(busy) => (
              <Button type="submit" variant="secondary" disabled={busy}>
                {busy ? "Restoring…" : "Restore post"}
              </Button>
            )}
          </IntentForm>
        ) : null}
      </div>
    </article>
  );
}

/**
 * Report…: one link per post (50 closed forms, then 50 closed disclosures, were a large part of the
 * page). It opens this page with the post's form rendered open (`?report=<post id>`), so reporting
 * works without JavaScript; with it, a click opens the form in place, as a disclosure that closes.
 * Focus follows the control that replaced the one just used.
 */
function ReportDisclosure({ postId, reportReasons }: { postId: string; reportReasons: ReportReason[] }) {
  const [searchParams] = useSearchParams();
  const requested = searchParams.get("report") === postId;
  const [open, setOpen] = useState(requested);
  const toggled = useRef(false);
  const control = useRef<HTMLElement | null>(null);
  const setControl = (el: HTMLElement | null) => void (control.current = el);
  useEffect(() => {
    if (toggled.current) control.current?.focus();
  }, [open]);
  const toggle = (next: boolean) => {
    toggled.current = true;
    setOpen(next);
  };
  if (!open) {
    const withForm = new URLSearchParams(searchParams);
    withForm.set("report", postId);
    return (
      <a
        ref={setControl}
        href={`?${withForm.toString()}#post-${postId}`}
        onClick={(e) => {
          e.preventDefault();
          toggle(true);
        }}
      >
        Report…
      </a>
    );
  }
  return (
    <details open onToggle={(e) => e.currentTarget.open || toggle(false)}>
      <summary ref={setControl} className={summaryClass}>
        Report…
      </summary>
      <IntentForm intent="report" postId={postId} className="mt-2 space-y-3">
        {(busy, result) => (
          <ReportFields
            legend="Why are you reporting this post?"
            reasons={reportReasons}
            reasonErrors={result?.fieldErrors?.reason}
            errorId={`report-${postId}-reason-error`}
            busy={busy}
          />
        )}
      </IntentForm>
    </details>
  );
}
