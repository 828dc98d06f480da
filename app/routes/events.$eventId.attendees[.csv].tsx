import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderWork, requireParams, requireViewer } from "#app/lib/http.server";
import { EventIdSchema } from "#app/modules/events/events.schema";
import { attendeesCsv } from "#app/modules/events/events.server";
import { z } from "zod";

/** Organizers' CSV export: /events/:id/attendees.csv (display names only, formula-safe). */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { eventId: id } = requireParams(params, z.object({ eventId: EventIdSchema }));
  const viewer = requireViewer(context, request);
  const { csv } = await loaderWork(() => attendeesCsv(context.app, viewer, id));
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="attendees-${id}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
