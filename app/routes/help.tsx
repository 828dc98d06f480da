import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { VerifiedBadge } from "#app/components/ui/badge";
import { listHelplines } from "#app/modules/organizations/organizations.server";
import { loaderWork } from "#app/lib/http.server";

export const meta: MetaFunction = () => [{ title: "Get help now — Hearth" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return loaderWork(async () => ({ organizations: await listHelplines(context.app) }));
}

export default function Help() {
  const { organizations } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="help-title" className="max-w-3xl space-y-6">
      <h1 id="help-title" className="text-3xl">
        Get help now
      </h1>
      <div className="space-y-3 rounded-xl border-2 border-red-700 p-4 dark:border-red-400">
        <h2 className="text-2xl">If you or someone else is in danger right now</h2>
        <p>
          Call your local emergency number (<strong>112</strong> in Europe, <strong>911</strong> in North America, <strong>999</strong> in
          the UK) or go to the nearest emergency department.
        </p>
        <p>
          If you are thinking about ending your life or harming yourself, you deserve support today. In the UK and Ireland you can call
          Samaritans on <strong>116 123</strong>; in the US call or text <strong>988</strong>. Elsewhere, findahelpline.com lists free,
          confidential lines in your country.
        </p>
      </div>
      <p>Hearth is a peer-support community, not an emergency service: moderators may not see a post straight away.</p>
      {organizations.length ? (
        <div className="space-y-4">
          <h2 className="text-2xl">Helplines from our organizations</h2>
          {organizations.map((o) => (
            <section key={o.slug} aria-labelledby={`helplines-${o.slug}`} className="space-y-2 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
              <h3 id={`helplines-${o.slug}`} className="flex flex-wrap items-center gap-2 text-xl">
                <Link to={`/organizations/${o.slug}`} className="inline-flex min-h-11 items-center">{o.name}</Link> <VerifiedBadge />
              </h3>
              <p className="whitespace-pre-wrap">{o.helplines}</p>
            </section>
          ))}
        </div>
      ) : null}
    </section>
  );
}
