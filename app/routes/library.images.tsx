import type { ActionFunctionArgs } from "@remix-run/node";
import { actionFailure, actionSuccess } from "#app/lib/http.server";
import { uploadGuideImage } from "#app/modules/library/guide-images.server";

/**
 * POST /library/images: an image for a guide (multipart: `image`, `organizationId`, `alt` or
 * `decorative`), from the guide editor's "Add an image". Same-origin only (server.ts's Origin check,
 * like every POST). Answers with the image's id and the Markdown to insert; refusals are 4xx JSON
 * with the reason and the field it concerns.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  try {
    const image = await uploadGuideImage(context.app, context.viewer, request);
    return actionSuccess("Image added to the guide at the cursor. Save the guide to publish it.", { image });
  } catch (e) {
    return actionFailure(e);
  }
}
