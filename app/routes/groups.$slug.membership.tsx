import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { httpStatusOf, isDomainError } from "#app/lib/errors";
import { readForm, requireViewer } from "#app/lib/http.server";
import { safeRedirect } from "#app/lib/redirect";
import { GroupSlugSchema, MembershipIntentSchema } from "#app/modules/groups/groups.schema";
import { decideJoinRequest, findGroup, joinGroup, leaveGroup } from "#app/modules/groups/groups.server";

/** Resource route: join, ask to join, leave, approve or decline. Answers fetchers with JSON, forms with a redirect. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const viewer = requireViewer(context, request);
  const returnTo = safeRedirect(String(formData.get("returnTo") ?? ""), `/groups/${params.slug}`);
  const slug = GroupSlugSchema.safeParse(params.slug);
  const submission = parseWithZod(formData, { schema: MembershipIntentSchema });
  if (!slug.success || submission.status !== "success") {
    return json({ ok: false, message: "That request was not understood. Please reload the page and try again." }, { status: 400 });
  }
  const input = submission.value;
  try {
    let message: string;
    if (input.intent === "join") {
      const { group, status } = await joinGroup(context.app, viewer, slug.data);
      message = status === "active" ? `Welcome! You joined ${group.name}.` : `Your request to join ${group.name} was sent.`;
    } else if (input.intent === "leave") {
      // Leaving is confirmed first on its own page (it warns a moderator they lose the role); only
      // a pending request is withdrawn at once. A fetcher follows the redirect like a form does.
      const current = await findGroup(context.app, viewer, slug.data);
      if (current.membership?.status === "active") return redirect(`/groups/${current.slug}/leave`);
      const { group, previous } = await leaveGroup(context.app, viewer, slug.data);
      message = previous === "pending" ? `You withdrew your request to join ${group.name}.` : `You left ${group.name}.`;
      // Leaving a private group means its page is no longer yours to see: go back to the directory.
      if (group.visibility === "private") return redirect("/groups");
    } else {
      const { displayName } = await decideJoinRequest(context.app, viewer, slug.data, { userId: input.userId, decision: input.intent });
      message = input.intent === "approve" ? `${displayName} is now a member.` : `You declined ${displayName}'s request.`;
    }
    return context.isDataRequest ? json({ ok: true, message }) : redirect(returnTo);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return json({ ok: false, message: e.message }, { status: httpStatusOf[e.code] });
  }
}

export async function loader({ params }: ActionFunctionArgs) {
  // The slug is whatever was in the address: safeRedirect encodes it for the Location header.
  return redirect(safeRedirect(`/groups/${params.slug}`));
}
