import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GroupCard } from "#app/components/group-card";
import { CursorSchema } from "#app/modules/groups/groups.schema";
import { listGroups } from "#app/modules/groups/groups.server";
import { loaderWork } from "#app/lib/http.server";

export const meta: MetaFunction = () => [{ title: "Groups — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const after = CursorSchema.safeParse(new URL(request.url).searchParams.get("after") ?? undefined);
  return loaderWork(async () => {
    const { groups, nextCursor } = await listGroups(context.app, context.viewer, { after: after.success ? after.data : null });
    return {
      signedIn: context.viewer !== null,
      nextCursor,
      groups: groups.map(({ target: _target, id: _id, ...g }) => g),
    };
  });
}

export default function Groups() {
  const { groups, signedIn, nextCursor } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <h1 className="text-3xl">Groups</h1>
      <p className="max-w-3xl">
        Each group is run by a patient organization and looked after by volunteer moderators. Open groups you can join at once;
        others ask a moderator first.
      </p>
      <ul className="grid gap-5" aria-label="All groups">
        {groups.map((g) => (
          <li key={g.slug}>
            <GroupCard group={g} signedIn={signedIn} />
          </li>
        ))}
      </ul>
      {groups.length === 0 ? <p>No groups yet.</p> : null}
      {nextCursor ? (
        <p>
          <Link to={`?after=${nextCursor}`} className="inline-flex min-h-11 items-center">
            More groups
          </Link>
        </p>
      ) : null}
    </div>
  );
}
