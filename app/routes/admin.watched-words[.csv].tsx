import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderWork, requireViewer } from "#app/lib/http.server";
import { exportWatchedCsv } from "#app/modules/safety/watched.server";

/** The site-wide watched words as CSV (`pattern,action`, formula-safe): /admin/watched-words.csv. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { csv } = await loaderWork(() => exportWatchedCsv(context.app, viewer, { site: true }));
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="watched-words-site.csv"',
      "Cache-Control": "private, no-store",
    },
  });
}
