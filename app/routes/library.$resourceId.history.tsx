import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { VersionDiffView } from "#app/components/library/version-diff";
import { Button, ButtonLink } from "#app/components/ui/button";
import { inputClass } from "#app/components/ui/field";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { When } from "#app/components/moderation/when";
import { Invalid, NotFound } from "#app/lib/errors";
import { actionFailure, loaderWork, pageActionFailure, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { HistoryQuerySchema, RestoreVersionSchema } from "#app/modules/library/history.schema";
import { getHistory, restoreVersion } from "#app/modules/library/history.server";
import { ResourceIdSchema } from "#app/modules/library/library.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `History of ${data.resource.title} — Library — Hearth` : "History — Library — Hearth" }];

const ResourceParams = z.object({ resourceId: ResourceIdSchema });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { resourceId: id } = requireParams(params, ResourceParams, () => NotFound("That resource"));
  const query = HistoryQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loaderWork(async () => {
    const h = await getHistory(context.app, context.viewer, id, { from: query.from, to: query.to });
    const restoring = query.restore !== undefined && h.canRestore && h.versions.some((v) => v.version === query.restore && v.version !== h.current) ? query.restore : null;
    return {
      resource: { id: h.resource.id, title: h.resource.title },
      versions: h.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
      current: h.current,
      compare: h.compare,
      diff: h.diff,
      canRestore: h.canRestore,
      restoring,
      restored: query.restored ?? null,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { resourceId: id } = requireParams(params, ResourceParams, () => NotFound("That resource"));
  const parsed = RestoreVersionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return actionFailure(Invalid(parsed.error.issues[0]?.message ?? "Unknown action."));
  try {
    await restoreVersion(context.app, viewer, id, parsed.data.version);
  } catch (e) {
    return pageActionFailure(e);
  }
  return redirect(`/library/${id}/history?restored=${parsed.data.version}`);
}

function VersionSelect({ id, label, name, value, versions, describedBy }: { id: string; label: string; name: string; value: number | null; versions: { version: number }[]; describedBy?: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-lg font-semibold">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? undefined} aria-describedby={describedBy} className={inputClass(!!describedBy)}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            Version {v.version}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function ResourceHistory() {
  const { resource, versions, current, compare, diff, canRestore, restoring, restored } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const keep = (extra: Record<string, string | number>) => {
    const p = new URLSearchParams();
    if (compare.from !== null) p.set("from", String(compare.from));
    if (compare.to !== null) p.set("to", String(compare.to));
    for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
    return `?${p}`;
  };
  return (
    <section aria-labelledby="history-title" className="max-w-4xl space-y-6">
      <p>
        <Link to={`/library/${resource.id}`} className="inline-flex min-h-11 items-center">
          ← Back to the resource
        </Link>
      </p>
      <h1 id="history-title" className="text-3xl">
        History of “{resource.title}”
      </h1>
      {restored !== null && current !== null ? <StatusMessage message={`Version ${restored} restored: it is now version ${current}, the current one.`} /> : null}

      {restoring !== null ? (
        <section id="confirm-restore" tabIndex={-1} aria-labelledby="confirm-restore-title" className="space-y-3 rounded-lg border-2 border-amber-600 p-4">
          <h2 id="confirm-restore-title" className="text-2xl">
            Restore version {restoring}?
          </h2>
          <p>
            Its title, summary, text and tags are saved as a new version (version {(current ?? 0) + 1}). Nothing is lost: the current version stays in the history. The review stamp does not change.
          </p>
          {result && !result.ok ? <FormErrors errors={[result.message]} /> : null}
          <div className="flex flex-wrap gap-3">
            <Form method="post">
              <input type="hidden" name="intent" value="restore-version" />
              <input type="hidden" name="version" value={restoring} />
              <Button type="submit" disabled={busy}>
                {busy ? "Restoring…" : `Yes, restore version ${restoring}`}
              </Button>
            </Form>
            <ButtonLink to={keep({})} variant="secondary">
              Cancel
            </ButtonLink>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="versions-title" className="space-y-3">
        <h2 id="versions-title" className="text-2xl">
          Versions
        </h2>
        {versions.length === 0 ? (
          <p>No edits since versions began to be kept. The first edit keeps the text as it is now as version 1.</p>
        ) : (
          <ol className="space-y-2">
            {versions.map((v) => (
              <li key={v.version} className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border-2 border-stone-300 p-3 dark:border-stone-600">
                <span className="font-semibold">
                  Version {v.version}
                  {v.version === current ? " (current)" : ""}
                </span>
                <span>
                  by {v.editor ?? "a former member"}, <When iso={v.createdAt} />
                </span>
                {v.restoredFrom !== null ? <span>restored from version {v.restoredFrom}</span> : null}
                {canRestore && v.version !== current ? (
                  <ButtonLink to={{ search: keep({ restore: v.version }), hash: "confirm-restore" }} variant="secondary">
                    Restore version {v.version}…
                  </ButtonLink>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      {versions.length >= 2 ? (
        <section aria-labelledby="compare-title" className="space-y-4">
          <h2 id="compare-title" className="text-2xl">
            Compare two versions
          </h2>
          <Form method="get" className="flex flex-wrap items-end gap-4">
            <VersionSelect id="compare-from" label="From version" name="from" value={compare.from} versions={versions} describedBy={compare.error ? "compare-error" : undefined} />
            <VersionSelect id="compare-to" label="To version" name="to" value={compare.to} versions={versions} describedBy={compare.error ? "compare-error" : undefined} />
            <Button type="submit" variant="secondary">
              Compare
            </Button>
          </Form>
          {compare.error ? (
            <p id="compare-error" className="font-medium text-red-800 dark:text-red-300">
              {compare.error}
            </p>
          ) : null}
          {diff && compare.from !== null && compare.to !== null ? <VersionDiffView diff={diff} from={compare.from} to={compare.to} headingId="diff-title" /> : null}
        </section>
      ) : null}
    </section>
  );
}
