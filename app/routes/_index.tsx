import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ButtonLink } from "#app/components/ui/button";

export async function loader({ context }: LoaderFunctionArgs) {
  return { signedIn: context.viewer !== null };
}

export default function Home() {
  const { signedIn } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-8">
      <section aria-labelledby="welcome" className="space-y-4">
        <h1 id="welcome" className="text-4xl">
          A warm place for people living with dystonia
        </h1>
        <p className="max-w-3xl text-lg">
          Dystonia makes muscles contract on their own: the neck turns, the eyelids close, the hand cramps over a pen. It is
          often slow to be diagnosed and hard to explain to others. Here you can talk with people who understand, under a
          name of your choosing, in groups run by patient organizations.
        </p>
        <div className="flex flex-wrap gap-3">
          <ButtonLink to="/groups">Browse the groups</ButtonLink>
          {signedIn ? null : (
            <ButtonLink to="/signup" variant="secondary">
              Create an account
            </ButtonLink>
          )}
        </div>
      </section>
      <section aria-labelledby="safe" className="space-y-2">
        <h2 id="safe" className="text-2xl">
          Your privacy comes first
        </h2>
        <ul className="list-disc space-y-1 pl-6">
          <li>Others see only the display name you pick, never your email.</li>
          <li>Private groups are invisible to anyone who isn't a member.</li>
          <li>Trained moderators from patient organizations look after every group.</li>
        </ul>
      </section>
    </div>
  );
}
