import type { MyRsvp } from "#app/modules/events/events.schema";
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { EventTime } from "#app/components/events/event-time";
import { GroupCard, type GroupSummary } from "#app/components/group-card";
import { HomeDrafts, type HomeDraft } from "#app/components/home/home-drafts";
import { Badge } from "#app/components/ui/badge";
import { ButtonLink } from "#app/components/ui/button";

export interface HomeData {
  displayName: string;
  groups: { groups: { slug: string; name: string; newCount: number }[]; more: boolean };
  follows: { threads: { id: string; title: string; group: { slug: string; name: string }; unread: number; href: string }[]; more: boolean };
  mentions: { mentions: { id: string; title: string; body: string; link: string | null; createdAt: string; unread: boolean }[]; more: boolean };
  events: {
    events: { id: string; title: string; startsAt: string; endsAt: string; timeZone: string; inZone: string; myRsvp: MyRsvp | null; waitlistPosition: number | null; group: { slug: string; name: string } | null }[];
    more: boolean;
  };
  resources: { resources: { id: string; title: string; organization: { name: string }; group: { slug: string; name: string } | null }[]; more: boolean };
  suggestions: GroupSummary[];
  drafts: HomeDraft[];
}

const linkClass = "inline-flex min-h-11 items-center font-semibold";

/** One home section: an h2, its list or a friendly empty line, and the "see all" link. */
function Section({ id, title, empty, seeAll, children }: { id: string; title: string; empty: ReactNode | null; seeAll: { to: string; label: string } | null; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-3">
      <h2 id={id} className="text-2xl">
        {title}
      </h2>
      {empty ?? children}
      {seeAll ? (
        <p>
          <Link to={seeAll.to} className="inline-flex min-h-11 items-center">
            {seeAll.label}
          </Link>
        </p>
      ) : null}
    </section>
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function HomePage({ home }: { home: HomeData }) {
  const noGroups = home.groups.groups.length === 0;
  return (
    <div className="space-y-10">
      <h1 className="text-4xl">Welcome back, {home.displayName}</h1>
      {home.drafts.length > 0 ? (
        <Section id="home-drafts" title="Your drafts" empty={null} seeAll={null}>
          <HomeDrafts drafts={home.drafts} />
        </Section>
      ) : null}

      <Section
        id="home-groups"
        title="My groups"
        seeAll={noGroups ? null : { to: "/groups", label: "See all groups" }}
        empty={
          noGroups ? (
            <div className="space-y-4">
              <p>You haven't joined a group yet. Groups are where people talk, share what helps and meet at events. Find a group to start.</p>
              {home.suggestions.length > 0 ? (
                <ul className="grid gap-5" aria-label="Suggested groups">
                  {home.suggestions.map((g) => (
                    <li key={g.slug}>
                      <GroupCard group={g} signedIn headingLevel={3} returnTo="/" />
                    </li>
                  ))}
                </ul>
              ) : null}
              <ButtonLink to="/groups">Find a group</ButtonLink>
            </div>
          ) : null
        }
      >
        <ul className="space-y-1">
          {home.groups.groups.map((g) => (
            <li key={g.slug} className="flex flex-wrap items-center gap-2">
              <Link to={`/groups/${g.slug}`} className={linkClass}>
                {g.name}
              </Link>
              {g.newCount > 0 ? <Badge tone="brand">{g.newCount} new since your last visit</Badge> : null}
            </li>
          ))}
        </ul>
      </Section>

      <Section
        id="home-follows"
        title="Threads I follow"
        seeAll={home.follows.more ? { to: "/notifications", label: "See all notifications" } : null}
        empty={home.follows.threads.length === 0 ? <p>No unread replies in the threads you follow. Threads you start or reply to are followed for you.</p> : null}
      >
        <ul className="space-y-1">
          {home.follows.threads.map((t) => (
            <li key={t.id} className="flex flex-wrap items-center gap-2">
              <Link to={t.href} className={linkClass}>
                {t.title}
              </Link>
              <Badge tone="brand">{plural(t.unread, "unread reply", "unread replies")}</Badge>
              <span className="text-base text-stone-700 dark:text-stone-300">in {t.group.name}</span>
            </li>
          ))}
        </ul>
      </Section>

      <Section
        id="home-mentions"
        title="Mentions of me"
        seeAll={home.mentions.mentions.length > 0 ? { to: "/notifications", label: "See all notifications" } : null}
        empty={home.mentions.mentions.length === 0 ? <p>Nobody has mentioned you yet. When someone writes @ and your name, it shows here.</p> : null}
      >
        <ul className="space-y-1">
          {home.mentions.mentions.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center gap-2">
              {m.link ? (
                <Link to={m.link} className={linkClass}>
                  {m.title}
                </Link>
              ) : (
                <span className="font-semibold">{m.title}</span>
              )}
              {m.unread ? <Badge tone="brand">Unread</Badge> : null}
              <time dateTime={m.createdAt} className="text-base text-stone-700 dark:text-stone-300">
                {m.createdAt.slice(0, 10)}
              </time>
            </li>
          ))}
        </ul>
      </Section>

      <Section
        id="home-events"
        title="My next events"
        seeAll={{ to: "/events", label: "See all events" }}
        empty={home.events.events.length === 0 ? <p>You haven't said you are going to any upcoming event.</p> : null}
      >
        <ul className="space-y-3">
          {home.events.events.map((e) => (
            <li key={e.id} className="space-y-1">
              <p>
                <Link to={`/events/${e.id}`} className={linkClass}>
                  {e.title}
                </Link>
              </p>
              <p className="flex flex-wrap items-center gap-2">
                <EventTime startsAt={e.startsAt} endsAt={e.endsAt} timeZone={e.timeZone} inZone={e.inZone} />
                {e.myRsvp === "going" ? <Badge tone="success">You are going</Badge> : null}
                {e.myRsvp === "waitlisted" ? <Badge>{e.waitlistPosition ? `Waitlist: place ${e.waitlistPosition}` : "On the waitlist"}</Badge> : null}
                {e.group ? <span className="text-base text-stone-700 dark:text-stone-300">{e.group.name}</span> : null}
              </p>
            </li>
          ))}
        </ul>
      </Section>

      <Section
        id="home-resources"
        title="New in the library"
        seeAll={{ to: "/library", label: "See the whole library" }}
        empty={home.resources.resources.length === 0 ? <p>Nothing new in your groups' libraries in the last two weeks.</p> : null}
      >
        <ul className="space-y-1">
          {home.resources.resources.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-2">
              <Link to={`/library/${r.id}`} className={linkClass}>
                {r.title}
              </Link>
              <span className="text-base text-stone-700 dark:text-stone-300">{r.group ? r.group.name : r.organization.name}</span>
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
