import type { LoaderFunctionArgs } from "@remix-run/node";
import { icsHeaders } from "#app/lib/ics.server";
import { loaderWork } from "#app/lib/http.server";
import { groupCalendar } from "#app/modules/events/events.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";

/** A group's subscribable feed: /groups/:slug/events.ics (never online links; private groups 404 for outsiders). */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const slug = GroupSlugSchema.safeParse(params.slug);
  if (!slug.success) throw new Response("Not found", { status: 404 });
  const { ics } = await loaderWork(() => groupCalendar(context.app, context.viewer, slug.data, new URL(request.url).origin));
  return new Response(ics, { headers: icsHeaders(`${slug.data}-events.ics`, "inline") });
}
