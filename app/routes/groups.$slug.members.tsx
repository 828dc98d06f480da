import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge } from "#app/components/ui/badge";
import { loaderWork } from "#app/lib/http.server";
import { CursorSchema, GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { listMembers } from "#app/modules/groups/groups.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Members of ${data.group.name} — Hearth` : "Not found — Hearth" }];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const slug = GroupSlugSchema.safeParse(params.slug);
  if (!slug.success) throw new Response("Not found", { status: 404 });
  const after = CursorSchema.safeParse(new URL(request.url).searchParams.get("after") ?? undefined);
  return loaderWork(async () => {
    const { group, members, nextCursor } = await listMembers(context.app, context.viewer, slug.data, {
      after: after.success ? after.data : null,
    });
    return {
      group: { slug: group.slug, name: group.name },
      members: members.map((m) => ({ displayName: m.displayName, role: m.role, userId: m.userId })),
      nextCursor,
    };
  });
}

export default function Members() {
  const { group, members, nextCursor } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <p>
        <Link to={`/groups/${group.slug}`} className="inline-flex min-h-11 items-center">
          ← {group.name}
        </Link>
      </p>
      <h1 className="text-3xl">Members of {group.name}</h1>
      <ul className="divide-y-2 divide-stone-200 rounded-xl border-2 border-stone-200 bg-white dark:divide-stone-700 dark:border-stone-700 dark:bg-stone-950">
        {members.map((m) => (
          <li key={m.userId} className="flex min-h-11 items-center gap-3 px-4 py-2">
            <span>{m.displayName}</span>
            {m.role === "moderator" ? <Badge tone="brand">Moderator</Badge> : null}
          </li>
        ))}
      </ul>
      {nextCursor ? (
        <p>
          <Link to={`?after=${nextCursor}`} className="inline-flex min-h-11 items-center">
            More members
          </Link>
        </p>
      ) : null}
    </div>
  );
}
