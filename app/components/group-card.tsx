import { Link } from "@remix-run/react";
import { Badge, VerifiedBadge } from "./ui/badge";
import { MembershipControls, type MembershipState } from "./group-membership";

export interface GroupSummary extends MembershipState {
  description: string;
  visibility: "public" | "private";
  joinPolicy: "open" | "approval";
  memberCount: number;
  organization: { name: string; verified: boolean };
  permissions: MembershipState["permissions"] & { view: boolean };
}

export function GroupCard({ group, signedIn }: { group: GroupSummary; signedIn: boolean }) {
  const headingId = `group-${group.slug}`;
  return (
    <article aria-labelledby={headingId} className="space-y-3 rounded-xl border-2 border-stone-200 bg-white p-5 dark:border-stone-700 dark:bg-stone-950">
      <h2 id={headingId} className="text-2xl">
        {group.permissions.view ? <Link to={`/groups/${group.slug}`}>{group.name}</Link> : group.name}
      </h2>
      <div className="flex flex-wrap items-center gap-2 text-base">
        <span>
          Run by <strong>{group.organization.name}</strong>
        </span>
        {group.organization.verified ? <VerifiedBadge /> : null}
        {group.visibility === "private" ? <Badge tone="warning">Private</Badge> : null}
        {group.joinPolicy === "approval" ? <Badge>Approval needed</Badge> : null}
      </div>
      <p>{group.description}</p>
      <p className="text-base text-stone-700 dark:text-stone-300">
        {group.memberCount} {group.memberCount === 1 ? "member" : "members"}
      </p>
      <MembershipControls group={group} signedIn={signedIn} returnTo="/groups" />
    </article>
  );
}
