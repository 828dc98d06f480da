import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { mentionCandidates } from "#app/modules/groups/mention-candidates.server";

/**
 * GET /groups/:slug/mention-candidates?q=…: the @mention autocomplete's suggestions, as JSON
 * (components/ui/mention-textarea.tsx). The module asks the policy: 404 for a group the viewer
 * can't read, and only the members the member list would show them. Never cached: it depends on who asks.
 */
const Params = z.object({ slug: GroupSlugSchema });
const Query = z.string().trim().max(40).catch("");

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, Params);
  const q = Query.parse(new URL(request.url).searchParams.get("q") ?? "");
  return loaderWork(async () => {
    const members = await mentionCandidates(context.app, context.viewer, slug, q);
    return json({ members }, { headers: { "Cache-Control": "private, no-store" } });
  });
}
