import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { NotFound } from "#app/lib/errors";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { ExportIdSchema, openExportDownload } from "#app/modules/accounts/export/export.server";

/**
 * A member's own data export, streamed, while it is ready and unexpired. Anyone else (another
 * account, a visitor, a forged id) gets 404 as if it didn't exist.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const { exportId } = requireParams(params, z.object({ exportId: ExportIdSchema }), () => NotFound("That data export"));
  const file = await loaderWork(() => openExportDownload(context.app, context.viewer, exportId));
  return new Response(file.stream, {
    status: 200,
    headers: {
      "Content-Type": "application/zip",
      "Content-Length": String(file.size),
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
      "Cross-Origin-Resource-Policy": "same-origin",
    },
  });
}
