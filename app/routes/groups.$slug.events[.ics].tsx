import type { LoaderFunctionArgs } from "@remix-run/node";
import { icsHeaders } from "#app/lib/ics.server";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { groupCalendar } from "#app/modules/events/feeds.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { z } from "zod";

/** A group's subscribable feed: /groups/:slug/events.ics (never online links; private groups 404 for outsiders). */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, z.object({ slug: GroupSlugSchema }));
  const { ics } = await loaderWork(() => groupCalendar(context.app, context.viewer, slug, new URL(request.url).origin));
  return new Response(ics, { headers: icsHeaders(`${slug}-events.ics`, "inline") });
}
