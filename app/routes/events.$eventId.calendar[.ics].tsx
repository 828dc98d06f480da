import type { LoaderFunctionArgs } from "@remix-run/node";
import { icsHeaders } from "#app/lib/ics.server";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { EventIdSchema } from "#app/modules/events/events.schema";
import { eventCalendar } from "#app/modules/events/feeds.server";
import { z } from "zod";

/** "Add to calendar": /events/:id/calendar.ics. The online link only for people who are going and organizers. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { eventId: id } = requireParams(params, z.object({ eventId: EventIdSchema }));
  const { ics } = await loaderWork(() => eventCalendar(context.app, context.viewer, id, new URL(request.url).origin));
  return new Response(ics, { headers: icsHeaders(`hearth-event-${id}.ics`) });
}
