import type { LoaderFunctionArgs } from "@remix-run/node";
import { icsHeaders } from "#app/lib/ics.server";
import { loaderWork } from "#app/lib/http.server";
import { EventIdSchema } from "#app/modules/events/events.schema";
import { eventCalendar } from "#app/modules/events/events.server";

/** "Add to calendar": /events/:id/calendar.ics. The online link only for people who are going and organizers. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = EventIdSchema.safeParse(params.eventId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const { ics } = await loaderWork(() => eventCalendar(context.app, context.viewer, id.data, new URL(request.url).origin));
  return new Response(ics, { headers: icsHeaders(`hearth-event-${id.data}.ics`) });
}
