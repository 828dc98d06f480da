import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MembershipControls } from "#app/components/group-membership";
import { Badge, VerifiedBadge } from "#app/components/ui/badge";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { getGroupPage, listJoinRequests } from "#app/modules/groups/groups.server";
import { getGroupSections, markGroupVisited } from "#app/modules/groups/group-page.server";
import { eventTimes } from "#app/lib/time";
import { GroupSections } from "./sections";
import { JoinRequests } from "./join-requests";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.group.name} — Hearth` : "Group not found — Hearth" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, z.object({ slug: GroupSlugSchema }));
  return loaderWork(async () => {
    const group = await getGroupPage(context.app, context.viewer, slug);
    const [requests, sections] = await Promise.all([
      group.permissions.reviewRequests ? listJoinRequests(context.app, context.viewer, group) : null,
      getGroupSections(context.app, context.viewer, group),
      markGroupVisited(context.app, context.viewer, group),
    ]);
    const { target: _target, id: _id, ...view } = group;
    return {
      group: view,
      sections: {
        threads: sections.threads.map((t) => ({ id: t.id, title: t.title, pinned: t.pinned, membersOnly: t.membersOnly, replyCount: t.replyCount, lastActivityAt: t.lastActivityAt.toISOString(), removed: t.removed })),
        forumReadable: sections.forumReadable,
        events: sections.events.map((e) => ({
          id: e.id,
          title: e.title,
          ...eventTimes(e),
          status: e.status,
        })),
        rooms: sections.rooms.map((r) => ({ id: r.id, name: r.name, lastMessageAt: r.lastMessageAt?.toISOString() ?? null })),
        moderators: sections.moderators,
        rulesHtml: sections.rulesHtml,
      },
      signedIn: context.viewer !== null,
      requests: requests?.map((r) => ({ ...r, requestedAt: r.requestedAt.toISOString() })) ?? null,
    };
  });
}

export default function GroupPage() {
  const { group, signedIn, requests, sections } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-8">
      <section aria-labelledby="group-title" className="space-y-4">
        <p>
          <Link to="/groups" className="inline-flex min-h-11 items-center">
            ← All groups
          </Link>
        </p>
        <h1 id="group-title" className="text-4xl">
          {group.name}
        </h1>
        <div className="flex flex-wrap items-center gap-2">
          <span>
            Run by{" "}
            <Link to={`/organizations/${group.organization.slug}`} className="inline-flex min-h-11 items-center font-semibold">
              {group.organization.name}
            </Link>
          </span>
          {group.organization.verified ? <VerifiedBadge /> : null}
          {group.visibility === "private" ? <Badge tone="warning">Private group</Badge> : <Badge>Public group</Badge>}
          {group.joinPolicy === "approval" ? <Badge>Approval needed to join</Badge> : null}
        </div>
        <p className="max-w-3xl text-lg">{group.description}</p>
        <p>
          {group.memberCount} {group.memberCount === 1 ? "member" : "members"}
          {group.permissions.viewMembers ? (
            <>
              {" · "}
              <Link to={`/groups/${group.slug}/members`} className="inline-flex min-h-11 items-center">
                See who is here
              </Link>
            </>
          ) : null}
        </p>
        <MembershipControls group={group} signedIn={signedIn} returnTo={`/groups/${group.slug}`} />
      </section>
      {requests ? <JoinRequests slug={group.slug} requests={requests} /> : null}
      <GroupSections slug={group.slug} sections={sections} />
      <nav aria-labelledby="group-everything" className="space-y-1">
        <h2 id="group-everything" className="text-2xl">
          Everything in this group
        </h2>
        <p>
          <Link to={`/groups/${group.slug}/chat`} className="inline-flex min-h-11 items-center font-semibold">
            Chat rooms
          </Link>
        </p>
        <p>
          <Link to={`/events?group=${group.slug}`} className="inline-flex min-h-11 items-center font-semibold">
            Events
          </Link>
        </p>
        <p>
          <Link to={`/library?organization=${group.organization.slug}`} className="inline-flex min-h-11 items-center font-semibold">
            Resource library
          </Link>
        </p>
        <p>
          <Link to={`/groups/${group.slug}/forum`} className="inline-flex min-h-11 items-center text-lg font-semibold">
            Go to the {group.name} forum →
          </Link>
        </p>
      </nav>
    </div>
  );
}
