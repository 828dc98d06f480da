import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { safeRedirect } from "#app/lib/redirect";
import { GroupSlugSchema, MembershipIntentSchema } from "#app/modules/groups/groups.schema";
import { decideJoinRequest, findGroup, joinGroup, leaveGroup } from "#app/modules/groups/groups.server";
import { z } from "zod";

const NOT_UNDERSTOOD = "That request was not understood. Please reload the page and try again.";
const GroupParams = z.object({ slug: GroupSlugSchema });

/** Resource route: join, ask to join, leave, approve or decline. Answers fetchers with JSON, forms with a redirect. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const viewer = requireViewer(context, request);
  // A fetcher's request, not a page: a malformed address is "not understood" (400) like a bad intent.
  const { slug } = requireParams(params, GroupParams, () => Invalid(NOT_UNDERSTOOD));
  const returnTo = safeRedirect(String(formData.get("returnTo") ?? ""), `/groups/${slug}`);
  const submission = parseWithZod(formData, { schema: MembershipIntentSchema });
  if (submission.status !== "success") return actionFailure(Invalid(NOT_UNDERSTOOD));
  const input = submission.value;
  try {
    let message: string;
    if (input.intent === "join") {
      const { group, status } = await joinGroup(context.app, viewer, slug);
      message = status === "active" ? `Welcome! You joined ${group.name}.` : `Your request to join ${group.name} was sent.`;
    } else if (input.intent === "leave") {
      // Leaving is confirmed first on its own page (it warns a moderator they lose the role); only
      // a pending request is withdrawn at once. A fetcher follows the redirect like a form does.
      const current = await findGroup(context.app, viewer, slug);
      if (current.membership?.status === "active") return redirect(`/groups/${current.slug}/leave`);
      const { group, previous } = await leaveGroup(context.app, viewer, slug);
      message = previous === "pending" ? `You withdrew your request to join ${group.name}.` : `You left ${group.name}.`;
      // Leaving a private group means its page is no longer yours to see: go back to the directory.
      if (group.visibility === "private") return redirect("/groups");
    } else {
      const { displayName } = await decideJoinRequest(context.app, viewer, slug, { userId: input.userId, decision: input.intent });
      message = input.intent === "approve" ? `${displayName} is now a member.` : `You declined ${displayName}'s request.`;
    }
    return context.isDataRequest ? actionSuccess(message) : redirect(returnTo);
  } catch (e) {
    return actionFailure(e);
  }
}

export async function loader({ params }: LoaderFunctionArgs) {
  // The slug is whatever was in the address: safeRedirect encodes it for the Location header.
  const { slug } = requireParams(params, z.object({ slug: z.string() }));
  return redirect(safeRedirect(`/groups/${slug}`));
}
