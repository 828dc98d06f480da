import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { NotFound } from "#app/lib/errors";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { getGuideImage } from "#app/modules/library/guide-images.server";

/**
 * GET /library/images/:imageId: a guide's image for those who may see the guide (the organization's
 * staff before it is in one), 404 for everyone else. The type is the one detected from the bytes at
 * upload; nosniff and a sandboxing CSP keep the browser from treating it as anything else. An image
 * never changes under its id, so one anyone may see is kept a day by the browser, but never by a shared
 * cache (its guide may later move to a private group); any other is never stored.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const { imageId } = requireParams(params, z.object({ imageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }), () => NotFound("That image"));
  const image = await loaderWork(() => getGuideImage(context.app, context.viewer, imageId));
  return new Response(image.stream, {
    status: 200,
    headers: {
      "Content-Type": image.mime,
      "Content-Length": String(image.size),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": image.public ? "private, max-age=86400, immutable" : "private, no-store",
      "Cross-Origin-Resource-Policy": "same-origin",
    },
  });
}
