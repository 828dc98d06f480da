import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderWork, requireViewer } from "#app/lib/http.server";
import { EventIdSchema } from "#app/modules/events/events.schema";
import { attendeesCsv } from "#app/modules/events/events.server";

/** Organizers' CSV export: /events/:id/attendees.csv (display names only, formula-safe). */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = EventIdSchema.safeParse(params.eventId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const viewer = requireViewer(context, request);
  const { csv } = await loaderWork(() => attendeesCsv(context.app, viewer, id.data));
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="attendees-${id.data}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
