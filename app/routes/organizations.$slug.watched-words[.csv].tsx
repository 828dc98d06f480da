import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderWork, requireParams, requireViewer } from "#app/lib/http.server";
import { OrganizationSlugSchema } from "#app/modules/organizations/organizations.schema";
import { exportWatchedCsv } from "#app/modules/safety/watched.server";
import { z } from "zod";

/** An organization's watched words as CSV (`pattern,action`, formula-safe): /organizations/:slug/watched-words.csv. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, z.object({ slug: OrganizationSlugSchema }));
  const { csv } = await loaderWork(() => exportWatchedCsv(context.app, viewer, { organizationSlug: slug }));
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="watched-words-${slug}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
