import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ReportFields } from "#app/components/moderation/report-fields";
import { StaffBadge } from "#app/components/ui/staff-badge";
import { actionFailure, actionSuccess, invalidInput, loaderWork, pageActionFailure, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { CursorSchema, GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { listMembers, reportMember } from "#app/modules/groups/groups.server";
import { ReportSchema, reportReasonLabels, reportReasons } from "#app/modules/moderation/moderation.schema";
import { can } from "#app/policy.server";
import { type ActionResult } from "#app/lib/action-result";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Members of ${data.group.name} — Hearth` : "Not found — Hearth" }];

const GroupParams = z.object({ slug: GroupSlugSchema });

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, GroupParams);
  const after = CursorSchema.safeParse(new URL(request.url).searchParams.get("after") ?? undefined);
  return loaderWork(async () => {
    const { group, members, nextCursor } = await listMembers(context.app, context.viewer, slug, {
      after: after.success ? after.data : null,
    });
    return {
      group: { slug: group.slug, name: group.name },
      members: members.map((m) => ({
        displayName: m.displayName,
        role: m.role,
        staff: m.staff,
        userId: m.userId,
        // Only where the page would open: the viewer shares this group and the member shows their profile.
        profile:
          m.userId === context.viewer?.id ||
          (m.profileVisibility === "members" && can(context.viewer, "profile.view", { kind: "profile", userId: m.userId, profileVisibility: m.profileVisibility, sharesGroup: group.target.membership?.status === "active" })),
        canReport: can(context.viewer, "member.report", { ...group.target, member: { userId: m.userId } }),
      })),
      reportReasons: reportReasons.map((value) => ({ value, label: reportReasonLabels[value] })),
      nextCursor,
    };
  });
}

const ReportMemberSchema = ReportSchema.extend({
  userId: z.string({ required_error: "That member is missing. Please reload the page." }).regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a valid member."),
});

/** Report a member of this group to its moderators. */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const { slug } = requireParams(params, GroupParams);
  const viewer = requireViewer(context, request);
  const formData = await readForm(request);
  const parsed = ReportMemberSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return actionFailure(invalidInput(parsed.error, "That request was not understood. Please reload the page and try again."));
  const { userId, reason, details } = parsed.data;
  try {
    await reportMember(context.app, viewer, slug, userId, { reason, details });
    return actionSuccess("Thank you. The group's moderators will look at your report.");
  } catch (e) {
    // A private group (or one the viewer is not inside) answers 404 exactly like a missing one.
    return pageActionFailure(e);
  }
}

const summaryClass =
  "inline-flex min-h-11 cursor-pointer items-center rounded-lg px-3 font-semibold text-brand-800 underline underline-offset-2 hover:bg-brand-50 dark:text-brand-100 dark:hover:bg-stone-800";

function ReportMember({ userId, displayName, reasons }: { userId: string; displayName: string; reasons: { value: string; label: string }[] }) {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const errorId = `report-${userId}-reason-error`;
  return (
    <details className="w-full">
      <summary className={summaryClass}>
        Report<span className="sr-only"> {displayName}</span>…
      </summary>
      <fetcher.Form method="post" preventScrollReset className="mt-2 space-y-3">
        <input type="hidden" name="userId" value={userId} />
        <ReportFields legend={`Why are you reporting ${displayName}?`} reasons={reasons} reasonErrors={result?.fieldErrors?.reason} errorId={errorId} busy={busy} />
        <p role="status" className={result && !result.ok ? "text-red-800 dark:text-red-300" : ""}>
          {result?.message}
        </p>
      </fetcher.Form>
    </details>
  );
}

export default function Members() {
  const { group, members, nextCursor, reportReasons: reasons } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <p>
        <Link to={`/groups/${group.slug}`} className="inline-flex min-h-11 items-center">
          ← {group.name}
        </Link>
      </p>
      <h1 className="text-3xl">Members of {group.name}</h1>
      <ul className="divide-y-2 divide-stone-200 rounded-xl border-2 border-stone-200 bg-white dark:divide-stone-700 dark:border-stone-700 dark:bg-stone-950">
        {members.map((m) => (
          <li key={m.userId} className="flex min-h-11 flex-wrap items-center gap-3 px-4 py-2">
            {m.profile ? (
              <Link to={`/members/${m.userId}`} className="inline-flex min-h-11 min-w-11 items-center">
                {m.displayName}
              </Link>
            ) : (
              <span>{m.displayName}</span>
            )}
            <StaffBadge role={m.staff} />
            {m.canReport ? <ReportMember userId={m.userId} displayName={m.displayName} reasons={reasons} /> : null}
          </li>
        ))}
      </ul>
      {nextCursor ? (
        <p>
          <Link to={`?after=${nextCursor}`} className="inline-flex min-h-11 items-center">
            More members
          </Link>
        </p>
      ) : null}
    </div>
  );
}
