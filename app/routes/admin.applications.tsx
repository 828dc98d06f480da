import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { When } from "#app/components/moderation/when";
import { Badge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { PageLinks } from "#app/components/ui/page-links";
import { PageQuerySchema } from "#app/lib/cursor-param";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { hrefWith } from "#app/lib/keyset.server";
import { ReviewSchema } from "#app/modules/organizations/organizations.schema";
import { listApplications, reviewApplication } from "#app/modules/organizations/organizations.server";

export const meta: MetaFunction = () => [{ title: "Organization applications — Hearth administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const query = PageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loaderWork(async () => {
    const { applications, next, previous } = await listApplications(context.app, viewer, query);
    return {
      applications: applications.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
      pages: {
        next: next ? hrefWith(request.url, { after: next, before: null }) : null,
        previous: previous ? hrefWith(request.url, { before: previous, after: null }) : null,
      },
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const parsed = ReviewSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return actionFailure(Invalid(parsed.error.issues[0]?.message ?? "Please check the form."));
  try {
    await reviewApplication(context.app, viewer, parsed.data);
    return actionSuccess(parsed.data.intent === "verify" ? "Verified: the organization exists and the applicant owns it." : "Declined.");
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Applications() {
  const { applications, pages } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="apps-title" className="space-y-6">
      <p>
        <Link to="/admin" className="inline-flex min-h-11 items-center">← Administration</Link>
      </p>
      <h1 id="apps-title" className="text-3xl">
        Organization applications
      </h1>
      {result ? <p role={result.ok ? "status" : "alert"}>{result.message}</p> : null}
      {applications.length === 0 ? <p>No applications.</p> : null}
      <ul className="space-y-4">
        {applications.map((a) => (
          <li key={a.id} className="space-y-2 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
            <h2 className="flex flex-wrap items-center gap-2 text-xl">
              {a.name} <Badge tone={a.status === "verified" ? "success" : a.status === "declined" ? "neutral" : "warning"}>{a.status}</Badge>
            </h2>
            <p>
              From {a.applicantName}, <When iso={a.createdAt} />. Website: <span className="break-all">{a.website}</span>. Contact: {a.contact}
            </p>
            <p className="whitespace-pre-wrap">{a.description}</p>
            {a.status === "pending" ? (
              <Form method="post" className="flex flex-wrap items-end gap-3">
                <input type="hidden" name="applicationId" value={a.id} />
                <label className="flex flex-col gap-1">
                  <span className="font-semibold">Note to the applicant (optional)</span>
                  <input name="note" maxLength={500} className="min-h-11 rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50" />
                </label>
                <Button type="submit" name="intent" value="verify" disabled={busy}>
                  Verify<span className="sr-only">: {a.name}</span>
                </Button>
                <Button type="submit" name="intent" value="decline" variant="secondary" disabled={busy}>
                  Decline<span className="sr-only">: {a.name}</span>
                </Button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      <PageLinks label="Pages of applications" previous={pages.previous} next={pages.next} previousText="← Earlier applications" nextText="More applications →" />
    </section>
  );
}
