import type { LoaderFunctionArgs } from "@remix-run/node";
import { icsHeaders } from "#app/lib/ics.server";
import { loaderWork } from "#app/lib/http.server";
import { FeedTokenSchema } from "#app/modules/events/events.schema";
import { userCalendar } from "#app/modules/events/events.server";

/** A person's feed behind their secret token: /calendar/:token/events.ics. Calendar apps send no cookies. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const token = FeedTokenSchema.safeParse(params.token);
  if (!token.success) throw new Response("Not found", { status: 404 });
  const ics = await loaderWork(() => userCalendar(context.app, token.data, new URL(request.url).origin));
  return new Response(ics, { headers: { ...icsHeaders("my-hearth-events.ics", "inline"), "Referrer-Policy": "no-referrer" } });
}
