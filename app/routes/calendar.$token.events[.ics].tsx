import type { LoaderFunctionArgs } from "@remix-run/node";
import { icsHeaders } from "#app/lib/ics.server";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { FeedTokenSchema } from "#app/modules/events/events.schema";
import { userCalendar } from "#app/modules/events/feeds.server";
import { z } from "zod";

/** A person's feed behind their secret token: /calendar/:token/events.ics. Calendar apps send no cookies. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { token } = requireParams(params, z.object({ token: FeedTokenSchema }));
  const ics = await loaderWork(() => userCalendar(context.app, token, new URL(request.url).origin));
  return new Response(ics, { headers: { ...icsHeaders("my-hearth-events.ics", "inline"), "Referrer-Policy": "no-referrer" } });
}
