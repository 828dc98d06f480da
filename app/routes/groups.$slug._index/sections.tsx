import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { EventTime } from "#app/components/events/event-time";
import { Badge } from "#app/components/ui/badge";
import { MarkdownContent } from "#app/components/ui/markdown-content";

interface Sections {
  threads: { id: string; title: string; pinned: boolean; membersOnly: boolean; replyCount: number; lastActivityAt: string; removed: boolean }[];
  /** False: the forum is for members (a public group whose forum visitors can't read). */
  forumReadable: boolean;
  events: { id: string; title: string; startsAt: string; endsAt: string; timeZone: string; inZone: string; status: "scheduled" | "cancelled" }[];
  rooms: { id: string; name: string; lastMessageAt: string | null }[];
  moderators: { userId: string; displayName: string; href: string | null }[];
  rulesHtml: string | null;
}

const linkClass = "inline-flex min-h-11 items-center font-semibold";
const quiet = "text-base text-stone-700 dark:text-stone-300";

function Part({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h2 id={id} className="text-2xl">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** "3 Dec" in UTC: the same text on server and client (no hydration mismatch), enough for "how recent". */
const day = (iso: string) => new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** The group page's sections under its header: what is happening, who looks after it and its rules. */
export function GroupSections({ slug, sections }: { slug: string; sections: Sections }) {
  return (
    <div className="grid gap-8 lg:grid-cols-2">
      <Part id="group-threads" title="Recent threads">
        {!sections.forumReadable ? <p>This group's forum is for members. Join to read and write.</p> : sections.threads.length === 0 ? <p>No threads yet.</p> : null}
        <ul className="space-y-1">
          {sections.threads.map((t) => (
            <li key={t.id} className="flex flex-wrap items-center gap-2">
              <Link to={`/groups/${slug}/forum/${t.id}`} className={linkClass}>
                {t.title}
              </Link>
              {t.pinned ? <Badge>Pinned</Badge> : null}
              {t.membersOnly ? <Badge>Members only</Badge> : null}
              {t.removed ? <Badge tone="warning">Removed</Badge> : null}
              <span className={quiet}>
                {t.replyCount} {t.replyCount === 1 ? "reply" : "replies"} · <time dateTime={t.lastActivityAt}>{day(t.lastActivityAt)}</time>
              </span>
            </li>
          ))}
        </ul>
      </Part>
      <Part id="group-events" title="Next events">
        {sections.events.length === 0 ? <p>No upcoming events.</p> : null}
        <ul className="space-y-2">
          {sections.events.map((e) => (
            <li key={e.id}>
              <Link to={`/events/${e.id}`} className={linkClass}>
                {e.status === "cancelled" ? `Cancelled: ${e.title}` : e.title}
              </Link>
              <p className={quiet}>
                <EventTime startsAt={e.startsAt} endsAt={e.endsAt} timeZone={e.timeZone} inZone={e.inZone} />
              </p>
            </li>
          ))}
        </ul>
      </Part>
      <Part id="group-rooms" title="Chat rooms">
        {sections.rooms.length === 0 ? <p>No chat rooms yet.</p> : null}
        <ul className="space-y-1">
          {sections.rooms.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-2">
              <Link to={`/groups/${slug}/chat/${r.id}`} className={linkClass}>
                {r.name}
              </Link>
              <span className={quiet}>
                {r.lastMessageAt ? (
                  <>
                    Last message <time dateTime={r.lastMessageAt}>{day(r.lastMessageAt)}</time>
                  </>
                ) : (
                  "No messages yet"
                )}
              </span>
            </li>
          ))}
        </ul>
      </Part>
      <Part id="group-moderators" title="Moderators">
        {sections.moderators.length === 0 ? <p>The organization's team looks after this group.</p> : null}
        <ul className="space-y-1">
          {sections.moderators.map((m) => (
            <li key={m.userId}>
              {m.href ? (
                <Link to={m.href} className={linkClass}>
                  {m.displayName}
                </Link>
              ) : (
                <span className="inline-flex min-h-11 items-center font-semibold">{m.displayName}</span>
              )}
            </li>
          ))}
        </ul>
      </Part>
      <Part id="group-rules" title="Group rules">
        {sections.rulesHtml ? <MarkdownContent html={sections.rulesHtml} /> : <p>This group follows the site guidelines.</p>}
        <p>
          <Link to="/guidelines" className={linkClass}>
            Read the community guidelines
          </Link>
        </p>
      </Part>
    </div>
  );
}
