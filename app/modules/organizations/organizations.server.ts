import { and, asc, desc, eq, inArray, isNotNull, ne, sql } from "drizzle-orm";
import { groupMemberships, groups, organizationApplications, organizationMembers, organizations, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { keysetPage, keysetRequest, timeKey } from "#app/lib/keyset.server";
import { Conflict, Invalid, NotFound, Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { findAccountByDisplayName } from "#app/modules/accounts/accounts.server";
import { accessLost } from "#app/modules/groups/access.server";
import { findGroup } from "#app/modules/groups/groups.server";
import { recordModerationAction } from "#app/modules/moderation/moderation.server";
import { announceNotices, notifyUsers } from "#app/modules/notifications/notifications.server";
import { assertCan, can, type Actor, type OrgRole } from "#app/policy.server";
import { slugify, type ApplicationInput, type GroupFormInput, type TeamAction } from "./organizations.schema";

/**
 * Patient organizations: applications and verification, the team (owner, admins, moderators), the
 * groups they run and their moderators, and the helplines shown on "Get help now". Team and
 * moderator changes are written to the audit log like every other moderation decision.
 */

const SITE = { kind: "site" } as const;

function requireActor(viewer: Actor | null): Actor {
  if (!viewer) throw Unauthenticated();
  return viewer;
}

// ── applications ─────────────────────────────────────────────────────────────────────────────

export async function applyForOrganization(app: AppContext, viewer: Actor | null, input: ApplicationInput) {
  const actor = requireActor(viewer);
  assertCan(actor, "organization.apply", SITE);
  const [pending] = await app.db
    .select({ id: organizationApplications.id })
    .from(organizationApplications)
    .where(and(eq(organizationApplications.applicantId, actor.id), eq(organizationApplications.status, "pending")))
    .limit(1);
  if (pending) throw Conflict("You already have an application waiting for review. We'll let you know when it is decided.");
  const id = newId();
  await app.db.insert(organizationApplications).values({ id, applicantId: actor.id, ...input });
  return { applicationId: id };
}

export async function listMyApplications(app: AppContext, viewer: Actor | null) {
  const actor = requireActor(viewer);
  return app.db
    .select({ id: organizationApplications.id, name: organizationApplications.name, status: organizationApplications.status, createdAt: organizationApplications.createdAt })
    .from(organizationApplications)
    .where(eq(organizationApplications.applicantId, actor.id))
    .orderBy(desc(organizationApplications.createdAt))
    .limit(20);
}

const APPLICATIONS_PAGE = 50;
const APPLICATION_KEY = ["flag", "time", "text"] as const;

/**
 * Site admins: pending applications first, then decided ones, each oldest first, in keyset pages
 * (Next/Previous), so a new application never falls off the end.
 */
export async function listApplications(app: AppContext, viewer: Actor | null, paging: { after?: string | null; before?: string | null } = {}) {
  const actor = requireActor(viewer);
  assertCan(actor, "organization.reviewApplications", SITE);
  const decided = sql<boolean>`${organizationApplications.status} <> 'pending'`;
  const page = keysetRequest(paging, APPLICATION_KEY);
  const cursor = page.cursor;
  const rows = await app.db
    .select({
      id: organizationApplications.id,
      name: organizationApplications.name,
      website: organizationApplications.website,
      description: organizationApplications.description,
      contact: organizationApplications.contact,
      status: organizationApplications.status,
      createdAt: organizationApplications.createdAt,
      applicantName: users.displayName,
      decisionNote: organizationApplications.decisionNote,
      decided,
      createdKey: timeKey(organizationApplications.createdAt),
    })
    .from(organizationApplications)
    .innerJoin(users, eq(users.id, organizationApplications.applicantId))
    .where(
      cursor
        ? sql`(${decided}, ${organizationApplications.createdAt}, ${organizationApplications.id}) ${page.backwards ? sql`<` : sql`>`} (${cursor[0] === 1}::boolean, ${cursor[1]}::timestamptz, ${cursor[2]})`
        : undefined,
    )
    .orderBy(...[decided, organizationApplications.createdAt, organizationApplications.id].map((k) => (page.backwards ? desc(k) : asc(k))))
    .limit(APPLICATIONS_PAGE + 1);
  const { items, next, previous } = keysetPage(rows, APPLICATIONS_PAGE, page, (a) => [a.decided ? 1 : 0, a.createdKey, a.id]);
  return { applications: items.map(({ decided: _d, createdKey: _k, ...a }) => a), next, previous };
}

/** Verify (creates the organization, verified, with the applicant as owner) or decline. */
export async function reviewApplication(app: AppContext, viewer: Actor | null, input: { applicationId: string; intent: "verify" | "decline"; note: string }) {
  const actor = requireActor(viewer);
  assertCan(actor, "organization.reviewApplications", SITE);
  const [application] = await app.db.select().from(organizationApplications).where(eq(organizationApplications.id, input.applicationId));
  if (!application) throw NotFound("That application");
  if (application.status !== "pending") throw Conflict("That application has already been decided.");
  let organizationSlug: string | null = null;
  await app.db.transaction(async (tx) => {
    let organizationId: string | null = null;
    if (input.intent === "verify") {
      organizationId = newId();
      const base = slugify(application.name);
      const [taken] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, base));
      organizationSlug = taken ? `${base}-${organizationId.slice(0, 6).toLowerCase().replace(/[^a-z0-9]/g, "0")}` : base;
      await tx.insert(organizations).values({
        id: organizationId,
        slug: organizationSlug,
        name: application.name,
        description: application.description,
        website: application.website,
        verifiedAt: new Date(),
      });
      await tx.insert(organizationMembers).values({ organizationId, userId: application.applicantId, role: "owner" });
    }
    await tx
      .update(organizationApplications)
      .set({ status: input.intent === "verify" ? "verified" : "declined", organizationId, decisionNote: input.note, reviewedBy: actor.id, reviewedAt: new Date() })
      .where(eq(organizationApplications.id, application.id));
    await notifyUsers(tx, [application.applicantId], {
      kind: "organization",
      title: input.intent === "verify" ? `${application.name} is now a verified organization on Hearth` : `Your application for ${application.name} was declined`,
      body: input.note,
      link: organizationSlug ? `/organizations/${organizationSlug}` : "/organizations/apply",
    });
  });
  await announceNotices(app, [application.applicantId]);
  return { organizationSlug };
}

// ── one organization ─────────────────────────────────────────────────────────────────────────

/** The organization and the viewer's role in it; NotFound for unknown slugs. */
export async function findOrganization(app: AppContext, viewer: Actor | null, slug: string) {
  const [row] = await app.db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      description: organizations.description,
      website: organizations.website,
      helplines: organizations.helplines,
      verified: sql<boolean>`${organizations.verifiedAt} is not null`,
      orgRole: organizationMembers.role,
    })
    .from(organizations)
    .leftJoin(organizationMembers, and(eq(organizationMembers.organizationId, organizations.id), eq(organizationMembers.userId, viewer?.id ?? "")))
    .where(eq(organizations.slug, slug));
  if (!row) throw NotFound("That organization");
  const target = { orgRole: (row.orgRole ?? null) as OrgRole | null };
  return {
    ...row,
    target,
    permissions: {
      staffPage: can(viewer, "organization.viewStaffPage", target),
      manageTeam: can(viewer, "organization.manageTeam", target),
      createGroup: can(viewer, "organization.createGroup", target),
      editHelplines: can(viewer, "organization.editHelplines", target),
      viewAudit: can(viewer, "organization.viewAudit", target),
      manageWatchedWords: can(viewer, "safety.manageWatchedWords", target),
    },
  };
}

/** The public page: the organization and the groups it runs (private ones by name only, as in the directory). */
export async function getOrganizationPage(app: AppContext, viewer: Actor | null, slug: string) {
  const org = await findOrganization(app, viewer, slug);
  const groupRows = await app.db
    .select({ slug: groups.slug, name: groups.name, visibility: groups.visibility, joinPolicy: groups.joinPolicy })
    .from(groups)
    .where(eq(groups.organizationId, org.id))
    .orderBy(asc(groups.name));
  const team = org.permissions.staffPage
    ? await app.db
        .select({ userId: users.id, displayName: users.displayName, role: organizationMembers.role })
        .from(organizationMembers)
        .innerJoin(users, eq(users.id, organizationMembers.userId))
        .where(eq(organizationMembers.organizationId, org.id))
        .orderBy(asc(organizationMembers.role), asc(users.displayName))
    : [];
  return { organization: org, groups: groupRows, team };
}

// ── team ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Add someone (by display name) as admin or moderator, change a role, or remove someone. Owners and
 * admins manage the team; only an owner may make or unmake an owner; the last owner stays.
 */
export async function manageTeam(app: AppContext, viewer: Actor | null, slug: string, input: TeamAction) {
  const actor = requireActor(viewer);
  const org = await findOrganization(app, actor, slug);
  assertCan(actor, "organization.manageTeam", org.target, "That organization");

  let userId: string;
  let displayName: string;
  if (input.intent === "add") {
    const user = await findAccountByDisplayName(app, input.displayName);
    if (!user || user.status !== "active") throw Invalid("No one has that display name.", { displayName: ["No one has that display name. Check the spelling."] });
    userId = user.id;
    displayName = user.displayName;
  } else {
    const [user] = await app.db.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.id, input.userId));
    if (!user) throw NotFound("That person");
    userId = user.id;
    displayName = user.displayName;
  }
  await app.db.transaction(async (tx) => {
    // Every team change takes the organization's row lock first, then reads the roles it decides on:
    // two owners removing (or demoting) each other at once are serialized, and the second sees the
    // first's change (its actor may no longer be staff at all, and the last owner always stays).
    await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, org.id)).for("update");
    const roles = await tx
      .select({ userId: organizationMembers.userId, role: organizationMembers.role })
      .from(organizationMembers)
      .where(and(eq(organizationMembers.organizationId, org.id), inArray(organizationMembers.userId, [actor.id, userId])));
    const actorRole = roles.find((r) => r.userId === actor.id)?.role ?? null;
    assertCan(actor, "organization.manageTeam", { orgRole: actorRole }, "That organization");
    const actingAsOwner = actorRole === "owner" || actor.siteRole === "admin";
    const current = roles.find((r) => r.userId === userId);

    if ((current?.role === "owner" || (input.intent === "role" && input.role === "owner")) && !actingAsOwner) {
      throw Invalid("Only an owner can make someone an owner or change an owner's role.");
    }
    if (current?.role === "owner" && (input.intent === "remove" || (input.intent === "role" && input.role !== "owner"))) {
      const [others] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(organizationMembers)
        .where(and(eq(organizationMembers.organizationId, org.id), eq(organizationMembers.role, "owner"), ne(organizationMembers.userId, userId)));
      if ((others?.n ?? 0) === 0) throw Invalid("An organization always keeps at least one owner. Make someone else owner first.");
    }

    if (input.intent === "add") {
      if (current) throw Conflict(`${displayName} is already on the team.`, { displayName: [`${displayName} is already on the team.`] });
      await tx.insert(organizationMembers).values({ organizationId: org.id, userId, role: input.role });
    } else if (input.intent === "role") {
      if (!current) throw NotFound("That team member");
      await tx.update(organizationMembers).set({ role: input.role }).where(and(eq(organizationMembers.organizationId, org.id), eq(organizationMembers.userId, userId)));
    } else {
      if (!current) throw NotFound("That team member");
      await tx.delete(organizationMembers).where(and(eq(organizationMembers.organizationId, org.id), eq(organizationMembers.userId, userId)));
    }
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: `organization.team.${input.intent}`,
      targetType: "organization",
      targetId: org.id,
      groupId: null,
      subjectUserId: userId,
      details: { organization: org.slug, role: input.intent === "remove" ? null : input.role, previousRole: current?.role ?? null },
    });
    await notifyUsers(tx, [userId], {
      kind: "organization",
      title:
        input.intent === "remove"
          ? `You are no longer on the team of ${org.name}`
          : `You are now ${input.role === "admin" ? "an admin" : `a${input.role === "owner" ? "n" : ""} ${input.role}`} of ${org.name}`,
      link: `/organizations/${org.slug}`,
    });
  });
  await announceNotices(app, [userId]);
  // Off the team (or a narrower role): staff access to the organization's groups may be gone.
  if (input.intent !== "add") await accessLost(app, { organizationId: org.id, userId });
  return { userId, displayName };
}

export async function setHelplines(app: AppContext, viewer: Actor | null, slug: string, helplines: string) {
  const actor = requireActor(viewer);
  const org = await findOrganization(app, actor, slug);
  assertCan(actor, "organization.editHelplines", org.target, "That organization");
  await app.db.update(organizations).set({ helplines }).where(eq(organizations.id, org.id));
}

/** "Get help now": every verified organization's helplines. */
export async function listHelplines(app: AppContext) {
  return app.db
    .select({ slug: organizations.slug, name: organizations.name, helplines: organizations.helplines })
    .from(organizations)
    .where(and(isNotNull(organizations.verifiedAt), ne(organizations.helplines, "")))
    .orderBy(asc(organizations.name));
}

// ── groups ───────────────────────────────────────────────────────────────────────────────────

export async function createOrganizationGroup(app: AppContext, viewer: Actor | null, orgSlug: string, input: GroupFormInput) {
  const actor = requireActor(viewer);
  const org = await findOrganization(app, actor, orgSlug);
  assertCan(actor, "organization.createGroup", org.target, "That organization");
  const id = newId();
  const slug = slugify(input.name);
  try {
    await app.db.insert(groups).values({ id, slug, organizationId: org.id, ...input, forumPublic: input.forumPublic ?? false });
  } catch (e) {
    if (isUniqueViolation(e)) throw Conflict("A group with that name already exists.", { name: ["A group with a name like this already exists. Choose another name."] });
    throw e;
  }
  return { slug };
}

/** The group settings page: the group, its moderators and its members who could be appointed. */
export async function getGroupSettings(app: AppContext, viewer: Actor | null, slug: string) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "organization.editGroup", group.target);
  const members = await app.db
    .select({ userId: users.id, displayName: users.displayName, role: groupMemberships.role })
    .from(groupMemberships)
    .innerJoin(users, eq(users.id, groupMemberships.userId))
    .where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.status, "active")))
    .orderBy(desc(groupMemberships.role), asc(users.displayName))
    .limit(500);
  const [own] = await app.db.select({ rules: groups.rules }).from(groups).where(eq(groups.id, group.id));
  return { group, members, rules: own?.rules ?? "", canAppoint: can(viewer, "organization.appointModerators", group.target) };
}

/** `rules` is set only when given (the settings form sends it; other callers leave the rules alone). */
export async function editGroup(app: AppContext, viewer: Actor | null, slug: string, input: GroupFormInput & { rules?: string }) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "organization.editGroup", group.target);
  await app.db.update(groups).set({ ...input, forumPublic: input.forumPublic ?? false }).where(eq(groups.id, group.id));
  // A group turned private: outsiders' places in its events go (its chat was members-only already).
  if (input.visibility === "private" && group.visibility !== "private") await accessLost(app, { groupId: group.id });
  return { slug: group.slug };
}

/** Appoint a moderator from the group's active members, or stand one down; audited. */
export async function setGroupModerator(app: AppContext, viewer: Actor | null, slug: string, input: { userId: string; intent: "appoint" | "standDown" }) {
  const actor = requireActor(viewer);
  const group = await findGroup(app, actor, slug);
  assertCan(actor, "organization.appointModerators", group.target);
  const [membership] = await app.db
    .select({ status: groupMemberships.status, role: groupMemberships.role })
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.userId, input.userId)));
  if (!membership || membership.status !== "active") throw Invalid("Only active members of the group can be appointed moderators.");
  const role = input.intent === "appoint" ? "moderator" : "member";
  await app.db.transaction(async (tx) => {
    await tx.update(groupMemberships).set({ role }).where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.userId, input.userId)));
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: input.intent === "appoint" ? "group.moderator.appoint" : "group.moderator.standDown",
      targetType: "group",
      targetId: group.id,
      groupId: group.id,
      subjectUserId: input.userId,
    });
    await notifyUsers(tx, [input.userId], {
      kind: "organization",
      title: input.intent === "appoint" ? `You are now a moderator of ${group.name}` : `You are no longer a moderator of ${group.name}`,
      link: input.intent === "appoint" ? "/moderation" : `/groups/${group.slug}`,
    });
  });
  await announceNotices(app, [input.userId]);
  // A moderator stood down no longer reads the group's archived rooms.
  if (input.intent === "standDown") await accessLost(app, { groupId: group.id, userId: input.userId });
  return { userId: input.userId, role };
}

// ── every organization (site admins) ─────────────────────────────────────────────────────────

const ORGANIZATIONS_PAGE = 50;

/**
 * Every organization for the admin page, keyset-paginated by slug (unique), so none falls off the
 * list. The same audience as reviewing applications: site administrators.
 */
export async function listOrganizations(app: AppContext, viewer: Actor | null, opts: { after?: string | null } = {}) {
  assertCan(viewer, "organization.reviewApplications", SITE);
  const rows = await app.db
    .select({ slug: organizations.slug, name: organizations.name, verified: sql<boolean>`${organizations.verifiedAt} is not null` })
    .from(organizations)
    .where(opts.after ? sql`${organizations.slug} > ${opts.after}` : undefined)
    .orderBy(asc(organizations.slug))
    .limit(ORGANIZATIONS_PAGE + 1);
  const page = rows.slice(0, ORGANIZATIONS_PAGE);
  return { organizations: page, nextCursor: rows.length > ORGANIZATIONS_PAGE ? (page.at(-1)?.slug ?? null) : null };
}
