import type { LoaderFunctionArgs } from "@remix-run/node";
import { NotFound } from "#app/lib/errors";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { ResourceIdSchema } from "#app/modules/library/library.schema";
import { getResourceFile } from "#app/modules/library/library.server";
import { contentDisposition } from "#app/modules/library/upload.server";
import { z } from "zod";

/**
 * A resource's document, for exactly those who may see the resource (404 for everyone else). The
 * type is the one detected from the file's bytes at upload; nosniff and a sandboxing CSP keep the
 * browser from treating it as anything else, and PDFs are always downloaded, never rendered inline.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const { resourceId } = requireParams(params, z.object({ resourceId: ResourceIdSchema }), () => NotFound("That file"));
  const file = await loaderWork(() => getResourceFile(context.app, context.viewer, resourceId));
  return new Response(file.stream, {
    status: 200,
    headers: {
      "Content-Type": file.mime,
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(file.mime === "application/pdf" ? "attachment" : "inline", file.name),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
      "Cross-Origin-Resource-Policy": "same-origin",
    },
  });
}
