import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuditLog } from "#app/components/moderation/audit-log";
import { loaderWork, requireParams, requireViewer } from "#app/lib/http.server";
import { nextHrefOf, parseAuditFilter } from "#app/modules/moderation/audit-filter.server";
import { listAuditLog } from "#app/modules/moderation/audit-log.server";
import { OrganizationSlugSchema } from "#app/modules/organizations/organizations.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Audit log — ${data?.organization?.name ?? "Organization"} — Hearth` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, z.object({ slug: OrganizationSlugSchema }));
  const filter = parseAuditFilter(request);
  return loaderWork(async () => {
    const log = await listAuditLog(context.app, viewer, { organizationSlug: slug }, filter);
    return {
      organization: log.organization,
      filter: { action: filter.action, actor: filter.actor, subject: filter.subject, group: filter.group },
      entries: log.entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
      nextHref: nextHrefOf(request, log.nextCursor),
    };
  });
}

export default function OrganizationAudit() {
  const { organization, entries, filter, nextHref } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="audit-title" className="space-y-6">
      <p>
        <Link to={`/organizations/${organization?.slug ?? ""}`} className="inline-flex min-h-11 items-center">
          ← {organization?.name}
        </Link>
      </p>
      <h1 id="audit-title" className="text-3xl">
        Audit log: {organization?.name}'s groups
      </h1>
      <p>Every moderation action in the organization's groups. Append-only: nobody can change or remove an entry.</p>
      <AuditLog entries={entries} filter={filter} nextHref={nextHref} />
    </section>
  );
}
