import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, type Actor, type EventTarget, type GroupTarget, type ResourceTarget } from "#app/policy.server";
import { eventVisibleSql, forumVisibleSql, groupForumVisibleSql, groupModeratedSql, groupVisibleSql, resourceVisibleSql } from "#app/policy-sql.server";
import { groupTargetOf, joinedStanding, standingColumns, standingJoins, standingOf } from "#app/modules/groups/standing.server";
import { events, groupMemberships, groups, organizationMembers, organizations, resources, threads, users } from "#db/schema/index";
import { createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { matrixRoles, situation } from "#tests/unit/policy-roles";

/**
 * The SQL visibility filters (app/policy-sql.server.ts) against `can()`, on the real database: every
 * matrix role (plus a pending request) × every group visibility × content in and out of groups, in
 * the viewer's organization and another, live and retired. For each case the filter's answer must be
 * the policy's. The standing join (groups/standing.server.ts) must also read back the role's
 * situation, so the targets the modules build from it are the ones the policy was asked about.
 */

const roles = [...matrixRoles, "pending request"] as const;
type Role = (typeof roles)[number];
function caseOf(role: Role) {
  if (role === "pending request") {
    return { actor: { id: "u1", siteRole: "member", status: "active" } as Actor, membership: { role: "member", status: "pending" } as GroupTarget["membership"], orgRole: null };
  }
  return situation(role);
}

/**
 * Groups: ours (the role's organization) public with its forum open to visitors, public with the
 * forum closed, private; a private one and a public closed one of another organization.
 */
const groupRows = [
  { id: "g-pub", organizationId: "org-a", visibility: "public", joinPolicy: "open", forumPublic: true },
  { id: "g-closed", organizationId: "org-a", visibility: "public", joinPolicy: "open", forumPublic: false },
  { id: "g-priv", organizationId: "org-a", visibility: "private", joinPolicy: "approval", forumPublic: true },
  { id: "g-other", organizationId: "org-b", visibility: "private", joinPolicy: "approval", forumPublic: true },
  { id: "g-other-closed", organizationId: "org-b", visibility: "public", joinPolicy: "open", forumPublic: false },
] as const;
type GroupId = (typeof groupRows)[number]["id"];
const scopes = [null, ...groupRows.map((g) => g.id)] as const;

describe(`policy SQL filters agree with can() on ${testDatabaseKind}`, () => {
  let t: TestApp;
  const userIdOf = (role: Role) => `u-${role.replace(/\W+/g, "-")}`;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.app.db;
    await db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A" },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await db.insert(groups).values(groupRows.map((g) => ({ ...g, slug: g.id, name: g.id })));
    for (const role of roles) {
      const { actor, membership, orgRole } = caseOf(role);
      const id = userIdOf(role);
      await db.insert(users).values({
        id,
        email: `${id}@example.test`,
        passwordHash: "x",
        displayName: id,
        siteRole: actor?.siteRole ?? "member",
        status: actor?.status ?? "active",
      });
      // The role's standing holds in both of org A's groups; nobody has any in org B.
      if (membership) {
        await db.insert(groupMemberships).values(["g-pub", "g-closed", "g-priv"].map((groupId) => ({ groupId, userId: id, role: membership.role, status: membership.status })));
      }
      if (orgRole) await db.insert(organizationMembers).values({ organizationId: "org-a", userId: id, role: orgRole });
    }
    const starts = new Date(Date.now() + 86_400_000);
    for (const org of ["org-a", "org-b"] as const) {
      for (const scope of scopes) {
        if (scope && groupRows.find((g) => g.id === scope)!.organizationId !== org) continue;
        const key = `${org}-${scope ?? "none"}`;
        await db.insert(events).values({
          id: `e-${key}`,
          organizationId: org,
          groupId: scope,
          title: key,
          startsAt: starts,
          endsAt: new Date(starts.getTime() + 3_600_000),
          timeZone: "UTC",
          format: "online",
        });
        for (const retired of [false, true]) {
          await db.insert(resources).values({
            id: `r-${key}-${retired ? "retired" : "live"}`,
            organizationId: org,
            groupId: scope,
            kind: "link",
            category: "understanding",
            title: key,
            url: "https://example.org/",
            retiredAt: retired ? new Date() : null,
          });
        }
      }
    }
  });
  afterAll(() => t?.close());

  /** What the policy is asked about: the role's situation in org A's groups, nothing in org B's. */
  function groupTarget(role: Role, groupId: GroupId): GroupTarget {
    const g = groupRows.find((r) => r.id === groupId)!;
    const { membership, orgRole } = caseOf(role);
    const ours = g.organizationId === "org-a";
    return { visibility: g.visibility, joinPolicy: g.joinPolicy, forumPublic: g.forumPublic, membership: ours ? membership : null, orgRole: ours ? orgRole : null };
  }
  const actorOf = (role: Role): Actor | null => {
    const { actor } = caseOf(role);
    return actor ? { ...actor, id: userIdOf(role) } : null;
  };
  const orgRoleIn = (role: Role, org: string) => (org === "org-a" ? caseOf(role).orgRole : null);

  it("reads every role's standing back through the one standing join", async () => {
    for (const role of roles) {
      const actor = actorOf(role);
      const on = standingJoins(actor?.id ?? null);
      const rows = await t.app.db
        .select({ id: groups.id, visibility: groups.visibility, joinPolicy: groups.joinPolicy, forumPublic: groups.forumPublic, ...standingColumns })
        .from(groups)
        .leftJoin(groupMemberships, on.membership)
        .leftJoin(organizationMembers, on.orgRole);
      for (const row of rows) {
        const expected = groupTarget(role, row.id as GroupId);
        // A visitor's situation has no account; suspended members keep their rows.
        const got = groupTargetOf(row);
        expect({ role, group: row.id, membership: got.membership && { role: got.membership.role, status: got.membership.status }, orgRole: got.orgRole }).toEqual({
          role,
          group: row.id,
          membership: expected.membership && { role: expected.membership.role, status: expected.membership.status },
          orgRole: expected.orgRole,
        });
      }
    }
  });

  it("forum.read: forumVisibleSql (threads, joined and subqueries) and groupForumVisibleSql (a group's forum) match can() for every role × group × members-only", async () => {
    // Two threads in every group: one for everyone who may read the forum, one members only.
    const author = userIdOf(roles[0]);
    await t.app.db.insert(threads).values(
      groupRows.flatMap((g) => [false, true].map((membersOnly) => ({ id: `t-${g.id}-${membersOnly ? "mo" : "all"}`, groupId: g.id, authorId: author, title: g.id, membersOnly }))),
    );
    let cases = 0;
    for (const role of roles) {
      const actor = actorOf(role);
      const on = standingJoins(actor?.id ?? null, { groupId: threads.groupId });
      const joined = await t.app.db
        .select({ id: threads.id })
        .from(threads)
        .innerJoin(groups, eq(groups.id, threads.groupId))
        .leftJoin(groupMemberships, on.membership)
        .leftJoin(organizationMembers, on.orgRole)
        .where(forumVisibleSql(actor, { ...joinedStanding, membersOnly: threads.membersOnly }));
      const correlated = await t.app.db
        .select({ id: threads.id })
        .from(threads)
        .innerJoin(groups, eq(groups.id, threads.groupId))
        .where(forumVisibleSql(actor, { ...standingOf(actor?.id ?? null, sql`${threads.groupId}`, sql`${groups.organizationId}`), membersOnly: threads.membersOnly }));
      const gOn = standingJoins(actor?.id ?? null);
      const forums = await t.app.db
        .select({ id: groups.id })
        .from(groups)
        .leftJoin(groupMemberships, gOn.membership)
        .leftJoin(organizationMembers, gOn.orgRole)
        .where(groupForumVisibleSql(actor, joinedStanding));
      for (const g of groupRows) {
        expect(forums.some((r) => r.id === g.id), `${role} / ${g.id} (forum)`).toBe(can(actor, "forum.read", groupTarget(role, g.id)));
        for (const membersOnly of [false, true]) {
          const id = `t-${g.id}-${membersOnly ? "mo" : "all"}`;
          const expected = can(actor, "forum.read", { ...groupTarget(role, g.id), thread: { membersOnly } });
          expect(joined.some((r) => r.id === id), `${role} / ${id} (joined)`).toBe(expected);
          expect(correlated.some((r) => r.id === id), `${role} / ${id} (subqueries)`).toBe(expected);
          cases += 1;
        }
      }
    }
    expect(cases).toBe(roles.length * groupRows.length * 2);
  });

  it("group.view: the joined and the subquery forms of groupVisibleSql match can() for every role × group", async () => {
    let cases = 0;
    for (const role of roles) {
      const actor = actorOf(role);
      const on = standingJoins(actor?.id ?? null);
      const joined = await t.app.db
        .select({ id: groups.id })
        .from(groups)
        .leftJoin(groupMemberships, on.membership)
        .leftJoin(organizationMembers, on.orgRole)
        .where(groupVisibleSql(actor, joinedStanding));
      const correlated = await t.app.db
        .select({ id: groups.id })
        .from(groups)
        .where(groupVisibleSql(actor, standingOf(actor?.id ?? null, sql`${groups.id}`, sql`${groups.organizationId}`)));
      for (const g of groupRows) {
        const expected = can(actor, "group.view", groupTarget(role, g.id));
        // An open forum is read by whoever sees the group.
        if (g.forumPublic) expect(can(actor, "forum.read", groupTarget(role, g.id)), `${role} / ${g.id}: an open forum is group.view`).toBe(expected);
        expect(joined.some((r) => r.id === g.id), `${role} / ${g.id} (joined)`).toBe(expected);
        expect(correlated.some((r) => r.id === g.id), `${role} / ${g.id} (subqueries)`).toBe(expected);
        cases += 1;
      }
    }
    expect(cases).toBe(roles.length * groupRows.length);
  });

  it("forum.moderate / chat.moderate / moderation.viewQueue: groupModeratedSql matches can() for every role × group", async () => {
    for (const role of roles) {
      const actor = actorOf(role);
      const on = standingJoins(actor?.id ?? null);
      const listed = await t.app.db
        .select({ id: groups.id })
        .from(groups)
        .leftJoin(groupMemberships, on.membership)
        .leftJoin(organizationMembers, on.orgRole)
        .where(groupModeratedSql(actor, joinedStanding));
      for (const g of groupRows) {
        const target = groupTarget(role, g.id);
        const expected = can(actor, "moderation.viewQueue", target);
        expect([can(actor, "forum.moderate", target), can(actor, "chat.moderate", target)], `${role} / ${g.id}: one rule`).toEqual([expected, expected]);
        expect(listed.some((r) => r.id === g.id), `${role} / ${g.id}`).toBe(expected);
      }
    }
  });

  it("event.view: eventVisibleSql matches can() for every role × event (no group, public, private, another organization's)", async () => {
    const all = await t.app.db.select({ id: events.id, organizationId: events.organizationId, groupId: events.groupId }).from(events);
    // One per organization without a group, one per group.
    expect(all).toHaveLength(2 + groupRows.length);
    for (const role of roles) {
      const actor = actorOf(role);
      const on = standingJoins(actor?.id ?? null, { groupId: events.groupId, organizationId: events.organizationId });
      const listed = await t.app.db
        .select({ id: events.id })
        .from(events)
        .leftJoin(groups, eq(groups.id, events.groupId))
        .leftJoin(groupMemberships, on.membership)
        .leftJoin(organizationMembers, on.orgRole)
        .where(eventVisibleSql(actor, { ...joinedStanding, groupId: events.groupId }));
      for (const e of all) {
        const target: EventTarget = {
          kind: "event",
          orgRole: orgRoleIn(role, e.organizationId),
          group: e.groupId ? groupTarget(role, e.groupId as GroupId) : null,
          event: { cancelled: false, closed: false },
          rsvp: null,
        };
        expect(listed.some((r) => r.id === e.id), `${role} / ${e.id}`).toBe(can(actor, "event.view", target));
      }
    }
  });

  it("library.view: resourceVisibleSql matches can() for every role × resource (scope × organization × retired)", async () => {
    const all = await t.app.db
      .select({ id: resources.id, organizationId: resources.organizationId, groupId: resources.groupId, retiredAt: resources.retiredAt })
      .from(resources);
    expect(all).toHaveLength(2 * (2 + groupRows.length));
    for (const role of roles) {
      const actor = actorOf(role);
      const on = standingJoins(actor?.id ?? null, { groupId: resources.groupId, organizationId: resources.organizationId });
      const listed = await t.app.db
        .select({ id: resources.id })
        .from(resources)
        .leftJoin(groups, eq(groups.id, resources.groupId))
        .leftJoin(groupMemberships, on.membership)
        .leftJoin(organizationMembers, on.orgRole)
        .where(resourceVisibleSql(actor, { ...joinedStanding, groupId: resources.groupId, retiredAt: resources.retiredAt }));
      for (const r of all) {
        const target: ResourceTarget = {
          kind: "resource",
          orgRole: orgRoleIn(role, r.organizationId),
          group: r.groupId ? groupTarget(role, r.groupId as GroupId) : null,
          resource: { retired: r.retiredAt !== null },
        };
        expect(listed.some((x) => x.id === r.id), `${role} / ${r.id}`).toBe(can(actor, "library.view", target));
      }
    }
  });
});
