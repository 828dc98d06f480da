import { Link } from "@remix-run/react";
import { Badge } from "#app/components/ui/badge";
import { StaffBadge } from "#app/components/ui/staff-badge";
import type { StaffRole } from "#app/lib/staff-role";
import { RelativeTime } from "./relative-time";

export interface ThreadListItem {
  id: string;
  title: string;
  authorName: string;
  /** The author's profile page, when it would open for the viewer. */
  authorHref?: string | null;
  authorStaff: StaffRole | null;
  replyCount: number;
  lastActivityAt: string;
  pinned: boolean;
  locked: boolean;
  /** The author chose "members only": only the group's members read it. */
  membersOnly?: boolean;
  removed: boolean;
  /** Auto-hidden pending review (non-moderators get HIDDEN_TITLE as the title). */
  hidden?: boolean;
  /** For the signed-in member: "3 new", "New" (never opened), or nothing. */
  newLabel?: string | null;
}

/** The forum's threads: pinned first, then by last activity (the order comes from the server). */
export function ThreadList({ slug, threads, now }: { slug: string; threads: ThreadListItem[]; now: string }) {
  if (threads.length === 0) return <p>No threads yet. Start the first one!</p>;
  return (
    <ol aria-label="Threads" className="divide-y-2 divide-stone-200 rounded-xl border-2 border-stone-200 bg-white dark:divide-stone-700 dark:border-stone-700 dark:bg-stone-950">
      {threads.map((t) => (
        <li key={t.id} className="space-y-1 px-4 py-3">
          <h2 className="text-xl">
            <Link to={`/groups/${slug}/forum/${t.id}`} className="inline-flex min-h-11 items-center">
              {t.title}
            </Link>
          </h2>
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-base">
            {t.newLabel ? <Badge tone="success">{t.newLabel}</Badge> : null}
            {t.pinned ? <Badge tone="brand">Pinned</Badge> : null}
            {t.locked ? <Badge tone="warning">Locked</Badge> : null}
            {t.membersOnly ? <Badge>Members only</Badge> : null}
            {t.removed ? <Badge tone="warning">Removed by a moderator</Badge> : null}
            {t.hidden && !t.removed ? <Badge tone="warning">Hidden pending review</Badge> : null}
            <span>
              Started by{" "}
              <strong>
                {t.authorHref ? (
                  <Link to={t.authorHref} className="inline-flex min-h-11 min-w-11 items-center">
                    {t.authorName}
                  </Link>
                ) : (
                  t.authorName
                )}
              </strong>
            </span>
            <StaffBadge role={t.authorStaff} />
            <span>
              {t.replyCount} {t.replyCount === 1 ? "reply" : "replies"}
            </span>
            <span>
              Last activity <RelativeTime iso={t.lastActivityAt} now={now} />
            </span>
          </div>
        </li>
      ))}
    </ol>
  );
}
