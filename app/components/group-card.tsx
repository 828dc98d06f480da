import { Link } from "@remix-run/react";
import { Badge, VerifiedBadge } from "./ui/badge";
import { MembershipControls, type MembershipState } from "./group-membership";

export interface GroupSummary extends MembershipState {
  description: string;
  visibility: "public" | "private";
  joinPolicy: "open" | "approval";
  /** Null for a private group the viewer is not inside: outsiders see its name and description only. */
  memberCount: number | null;
  organization: { slug: string; name: string; verified: boolean };
  permissions: MembershipState["permissions"] & { view: boolean };
}

/** `headingLevel` and `returnTo` let pages other than the directory (home, welcome) nest the card under their own headings. */
export function GroupCard({ group, signedIn, headingLevel = 2, returnTo = "/groups" }: { group: GroupSummary; signedIn: boolean; headingLevel?: 2 | 3; returnTo?: string }) {
  const headingId = `group-${group.slug}`;
  const Heading = headingLevel === 3 ? "h3" : "h2";
  return (
    <article aria-labelledby={headingId} className="space-y-3 rounded-xl border-2 border-stone-200 bg-white p-5 dark:border-stone-700 dark:bg-stone-950">
      <Heading id={headingId} className="text-2xl">
        {group.permissions.view ? (
          <Link to={`/groups/${group.slug}`} className="inline-flex min-h-11 items-center">
            {group.name}
          </Link>
        ) : (
          group.name
        )}
      </Heading>
      <div className="flex flex-wrap items-center gap-2 text-base">
        <span>
          Run by{" "}
          <Link to={`/organizations/${group.organization.slug}`} className="inline-flex min-h-11 items-center font-semibold">
            {group.organization.name}
          </Link>
        </span>
        {group.organization.verified ? <VerifiedBadge /> : null}
        {group.visibility === "private" ? <Badge tone="warning">Private</Badge> : null}
        {group.joinPolicy === "approval" ? <Badge>Approval needed</Badge> : null}
      </div>
      <p>{group.description}</p>
      {group.memberCount !== null ? (
        <p className="text-base text-stone-700 dark:text-stone-300">
          {group.memberCount} {group.memberCount === 1 ? "member" : "members"}
        </p>
      ) : null}
      <MembershipControls group={group} signedIn={signedIn} returnTo={returnTo} />
    </article>
  );
}
