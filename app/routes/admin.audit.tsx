import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuditLog } from "#app/components/moderation/audit-log";
import { loaderWork, requireViewer } from "#app/lib/http.server";
import { nextHrefOf, parseAuditFilter } from "#app/modules/moderation/audit-filter.server";
import { listAuditLog } from "#app/modules/moderation/audit-log.server";

export const meta: MetaFunction = () => [{ title: "Audit log — Hearth administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const filter = parseAuditFilter(request);
  return loaderWork(async () => {
    const log = await listAuditLog(context.app, viewer, {}, filter);
    return {
      filter: { action: filter.action, actor: filter.actor, subject: filter.subject, group: filter.group },
      entries: log.entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
      nextHref: nextHrefOf(request, log.nextCursor),
    };
  });
}

export default function SiteAudit() {
  const { entries, filter, nextHref } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="audit-title" className="space-y-6">
      <p>
        <Link to="/admin" className="inline-flex min-h-11 items-center">
          ← Administration
        </Link>
      </p>
      <h1 id="audit-title" className="text-3xl">
        Audit log: every moderation action
      </h1>
      <p>Append-only: nobody can change or remove an entry.</p>
      <AuditLog entries={entries} filter={filter} nextHref={nextHref} />
    </section>
  );
}
