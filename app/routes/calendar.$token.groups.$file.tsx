import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { icsHeaders } from "#app/lib/ics.server";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { FeedTokenSchema } from "#app/modules/events/events.schema";
import { groupTokenCalendar } from "#app/modules/events/feeds.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";

/**
 * A group's feed behind the member's personal token: /calendar/:token/groups/:slug.ics (the file
 * segment is one route param, since a route segment cannot mix a param and a suffix). 404 unless the
 * token's owner can see the group at the moment of the fetch.
 */
const FileSchema = z
  .string()
  .regex(/^[^/]+\.ics$/)
  .transform((f) => f.slice(0, -".ics".length))
  .pipe(GroupSlugSchema);

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { token, file: slug } = requireParams(params, z.object({ token: FeedTokenSchema, file: FileSchema }));
  const { ics } = await loaderWork(() => groupTokenCalendar(context.app, token, slug, new URL(request.url).origin));
  return new Response(ics, {
    headers: {
      ...icsHeaders(`${slug}-events.ics`, "inline"),
      "Referrer-Policy": "no-referrer",
    },
  });
}
