import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { AppContext } from "#app/lib/app-context.server";
import { rowsOf } from "#app/lib/db-rows.server";
import { sessionColumns, sessionUser, validateSessionToken, type Viewer } from "#app/modules/auth/session.server";
import { moderationLinksOf, moderationLinksSql } from "#app/modules/moderation/queue.server";
import { unreadCountSql } from "#app/modules/notifications/notifications.server";
import { staffOrganizationLinksOf, staffOrganizationLinksSql } from "#app/modules/organizations/staff.server";
import type { Actor } from "#app/policy.server";

/**
 * The layout's header for a signed-in member — unread count, moderation links with the held count,
 * their organizations' pages — read in the same statement as the session (issue 17: one round trip
 * per page). Each capability writes its own SQL under the policy's rules; this file only puts them
 * side by side. Only what the header shows: never email or anything else personal.
 */
export interface HeaderData {
  unread: number;
  staff: { queue: boolean; admin: boolean; held: number };
  organizations: { slug: string; name: string }[];
}

// The header's rules read only the viewer's role and status; validation already refused inactive accounts.
const scopes: Record<Actor["siteRole"], Actor> = {
  member: { id: "", siteRole: "member", status: "active" },
  admin: { id: "", siteRole: "admin", status: "active" },
};

/** The header's columns; inside the session's statement the role is a column, so each rule is chosen by it. */
function headerColumns(userId: string | AnyPgColumn, role: Actor | AnyPgColumn) {
  const byRole = <T>(build: (scope: Actor) => SQL<T>): SQL<T> =>
    "siteRole" in role
      ? build(role)
      : sql<T>`(case when ${role} = 'admin' then ${build(scopes.admin)} else ${build(scopes.member)} end)`;
  return {
    headerUnread: byRole((scope) => unreadCountSql(userId, scope)),
    headerQueue: byRole((scope) => moderationLinksSql(userId, scope).queue),
    headerHeld: byRole((scope) => moderationLinksSql(userId, scope).held),
    headerOrganizations: staffOrganizationLinksSql(userId),
  };
}

type HeaderRow = { headerUnread: unknown; headerQueue: unknown; headerHeld: unknown; headerOrganizations: unknown };

function headerOf(viewer: Viewer, row: HeaderRow | undefined): HeaderData {
  return {
    unread: Number(row?.headerUnread ?? 0),
    staff: moderationLinksOf(viewer, row ? { queue: row.headerQueue === true, held: Number(row.headerHeld ?? 0) } : undefined),
    organizations: staffOrganizationLinksOf(row?.headerOrganizations),
  };
}

const withHeader = sessionColumns(headerColumns(sessionUser.id, sessionUser.siteRole));

/** validateSessionToken with the header read in the same statement: for requests the layout renders. */
export async function validateSessionWithHeader(app: AppContext, token: string) {
  const result = await validateSessionToken(app, token, withHeader);
  if (!result) return null;
  const { alongside, ...session } = result;
  return { ...session, header: headerOf(session.viewer, alongside) };
}

/** The header alone, in one query: when the session check did not bring it (a page rendered after an action). */
export async function headerFor(app: AppContext, viewer: Viewer): Promise<HeaderData> {
  const c = headerColumns(viewer.id, viewer);
  const [row] = rowsOf<HeaderRow>(
    await app.db.execute(
      sql`select ${c.headerUnread} as "headerUnread", ${c.headerQueue} as "headerQueue", ${c.headerHeld} as "headerHeld", ${c.headerOrganizations} as "headerOrganizations"`,
    ),
  );
  return headerOf(viewer, row);
}

/**
 * Whether the root loader runs for this request, so the session check should bring the header: a
 * page GET (no `_data`, not a file such as /assets/… or a .ics feed) or the root's own data request.
 * Not after an action (the header must show its effect: the root loader reads it then) and not other
 * routes' data requests. A wrong guess costs a query, never a stale header: the root loader reads
 * the header itself whenever it is missing.
 */
export function layoutWillRender(method: string, path: string, data: unknown): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  if (data === "root") return true;
  return data === undefined && !/\.[A-Za-z0-9]+$/.test(path);
}
