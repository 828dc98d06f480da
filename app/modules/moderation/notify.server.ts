import { and, eq, isNotNull, or } from "drizzle-orm";
import { z } from "zod";
import { groupMemberships, groups, organizationMembers, reports, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { NotificationDraft } from "#app/modules/notifications/record.server";
import { queueItemKey, anyReasonLabels } from "./moderation.schema";

/**
 * "moderation.report": a report was filed → the group's moderators and the organization's staff
 * (whoever may see the group's queue when the job runs). Crisis reports are urgent: in-app and
 * e-mailed at once whatever the preference or quiet hours. The title never names the reporter (or
 * quotes the content): it says where and why, and links to the queue entry.
 */
export const reportSource = {
  data: z.object({ reportId: z.string().min(1).max(64) }),
  async resolve(app: AppContext, { reportId }: { reportId: string }): Promise<NotificationDraft[]> {
    const [report] = await app.db
      .select({
        targetType: reports.targetType,
        targetId: reports.targetId,
        groupId: reports.groupId,
        reporterId: reports.reporterId,
        reason: reports.reason,
        status: reports.status,
        groupName: groups.name,
        organizationId: groups.organizationId,
      })
      .from(reports)
      .leftJoin(groups, eq(groups.id, reports.groupId))
      .where(eq(reports.id, reportId));
    // Already handled (or gone) before the job ran: nobody needs to look any more.
    if (!report || !report.groupId || (report.status !== "open" && report.status !== "escalated")) return [];
    const staff = await app.db
      .selectDistinct({ id: users.id })
      .from(users)
      .leftJoin(groupMemberships, and(eq(groupMemberships.userId, users.id), eq(groupMemberships.groupId, report.groupId)))
      .leftJoin(organizationMembers, and(eq(organizationMembers.userId, users.id), eq(organizationMembers.organizationId, report.organizationId ?? "")))
      .where(
        or(
          and(eq(groupMemberships.role, "moderator"), eq(groupMemberships.status, "active")),
          isNotNull(organizationMembers.userId),
        ),
      );
    const crisis = report.reason === "crisis";
    const anchor = queueItemKey(report).replace(/[^A-Za-z0-9_-]/g, "-");
    return [
      {
        kind: "report",
        recipients: staff.map((s) => s.id),
        audience: { group: report.groupId, may: "moderation.viewQueue" },
        title: crisis
          ? `Urgent: a crisis report in ${report.groupName}`
          : `New report in ${report.groupName}: ${anyReasonLabels[report.reason] ?? "other"}`,
        link: `/moderation#${anchor}-title`,
        groupId: report.groupId,
        actorId: report.reporterId,
        dedupeKey: `report:${reportId}`,
        urgent: crisis,
      },
    ];
  },
};
