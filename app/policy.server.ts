import { DomainError, NOT_PERMITTED, notFoundMessage, type ErrorCode } from "#app/lib/errors";

/**
 * THE permission module. Every loader, action and socket handler asks `can` (or `assertCan`);
 * nothing re-implements a rule. Rules are one table, keyed by action, so matrix tests can walk
 * every action × role × visibility.
 */

export type OrgRole = "owner" | "admin" | "moderator";

export interface Actor {
  id: string;
  siteRole: "member" | "admin";
  status: "active" | "suspended";
  /**
   * False for a member who has not confirmed their address yet: they read and join, but posting,
   * replying, chat and RSVPs wait (see `unverifiedMayNot`). Every Viewer sets it; actors built
   * elsewhere (unit tests, jobs acting for a member) leave it out and are treated as confirmed.
   */
  emailVerified?: boolean;
}

/** A group as seen by one actor: its settings plus the actor's relationship to it. */
export interface GroupTarget {
  visibility: "public" | "private";
  joinPolicy: "open" | "approval";
  membership: {
    role: "member" | "moderator";
    status: "active" | "pending" | "banned";
    /** Group-wide mute (moderation queue); null or past means not muted. */
    mutedUntil?: Date | null;
  } | null;
  /** The actor's role in the organization that runs the group, if any. */
  orgRole: OrgRole | null;
  /**
   * "Visitors can read the forum": a public group's forum is readable by visitors and non-members
   * only when this is on; otherwise by insiders only. The group page (group.view) ignores it.
   */
  forumPublic: boolean;
}

/**
 * What `forum.read` asks about: a group's forum (its thread list, search results), or one thread in
 * it (then the author's "members only" choice counts too).
 */
export type ForumTarget = GroupTarget & { thread?: { membersOnly: boolean } };

/** A forum thread inside a group. */
export interface ThreadTarget extends GroupTarget {
  thread: { locked: boolean; deleted: boolean; membersOnly: boolean };
}

/** One post (opening post or reply) inside a thread. */
export interface PostTarget extends ThreadTarget {
  post: { authorId: string; deleted: boolean };
}

/** One member of a group (for reporting a person from the group's member list). */
export interface MemberTarget extends GroupTarget {
  member: { userId: string };
}

/** A chat room inside a group, with the actor's sanctions in that room. */
export interface RoomTarget extends GroupTarget {
  room: { locked: boolean; archived: boolean };
  sanction: { mutedUntil: Date | null; banned: boolean } | null;
}

/**
 * A direct conversation (2–8 people who chose it) as one actor sees it. No group, so no moderators:
 * organization staff and site admins cannot read it; a reported message reaches the site admins
 * through the report alone (with a few messages before it as context).
 */
export interface DirectRoomTarget {
  kind: "direct";
  /** The actor is a current member of the conversation (joined, not left). */
  participant: boolean;
  room: { archived: boolean };
  /** A 1:1 conversation where one of the two has blocked the other: it takes no new messages. */
  blocked: boolean;
}

/** Any chat room: a group's room or a direct conversation. */
export type ChatTarget = RoomTarget | DirectRoomTarget;

/** One chat message in a room (reporting, editing, deleting and reacting to it). */
export type ChatMessageTarget = ChatTarget & {
  message: { authorId: string; deleted?: boolean; kind?: "text" | "voice" | "system" };
};

/**
 * Starting a direct conversation with one person: their own choice (nobody, members of a group
 * they share with the actor, anyone signed in) and whether either has blocked the other.
 */
export interface DirectStartTarget {
  kind: "dm-start";
  userId: string;
  dmPolicy: "nobody" | "groups" | "anyone";
  sharesGroup: boolean;
  /** Either of the two blocks the other. */
  blocked: boolean;
  /** The recipient's account is active (not suspended, not deleted). */
  recipientActive: boolean;
}

/** Blocking (or unblocking) one member. */
export interface BlockTarget {
  kind: "block";
  userId: string;
}

/**
 * A member's profile page as one actor sees it: the member's own choice (members of their groups, or
 * nobody) and whether the actor shares an active membership with them.
 */
export interface ProfileTarget {
  kind: "profile";
  userId: string;
  profileVisibility: "members" | "nobody";
  sharesGroup: boolean;
}

// ── organizations and moderation (types) ─────────────────────────────────────────────────
/** Site-wide actions (applications, suspensions, the whole audit log, escalations): only the actor matters. */
export interface SiteTarget {
  kind: "site";
}

/** A moderation decision as seen by one person: was it about them, may it be appealed, was it already? */
export interface NoticeTarget {
  kind: "notice";
  /** Whose content or account the decision concerned. */
  subjectId: string | null;
  /** Removals, warnings, mutes and bans can be appealed; dismissals and restorations can't. */
  appealable: boolean;
  /** One appeal per decision. */
  appealed: boolean;
}

// ── events (types) ───────────────────────────────────────────────────────────────────────
/** An organization as seen by one actor: who may post events for it. */
export interface OrganizationTarget {
  /** The actor's role in the organization, if any. */
  orgRole: OrgRole | null;
}

/** One event as seen by one actor. */
export interface EventTarget {
  kind: "event";
  /** The actor's role in the organization that runs the event. */
  orgRole: OrgRole | null;
  /** For an event tied to a group: that group as the actor sees it (private groups' events are private). */
  group: GroupTarget | null;
  event: {
    cancelled: boolean;
    /** RSVPs are closed: the event has started, or its registration deadline has passed. */
    closed: boolean;
  };
  /** The actor's own live RSVP (cancelled RSVPs count as none; maybe and not_going never hold a place). */
  rsvp: "going" | "waitlisted" | "maybe" | "not_going" | null;
}

// ── library (types) ──────────────────────────────────────────────────────────────────────
/** One library resource as seen by one actor. */
export interface ResourceTarget {
  kind: "resource";
  /** The actor's role in the organization that curates the resource. */
  orgRole: OrgRole | null;
  /** For a resource scoped to a group: that group as the actor sees it (private groups' resources are private). */
  group: GroupTarget | null;
  resource: { retired: boolean };
}

const active = (a: Actor | null): a is Actor => a !== null && a.status === "active";
const unverified = (a: Actor | null) => a !== null && a.emailVerified === false;
const siteAdmin = (a: Actor | null) => active(a) && a.siteRole === "admin";
const activeMember = (t: GroupTarget) => t.membership?.status === "active";
const groupModerator = (t: GroupTarget) => activeMember(t) && t.membership?.role === "moderator";
const orgStaff = (t: GroupTarget) => t.orgRole !== null;
const banned = (t: GroupTarget) => t.membership?.status === "banned";
const mutedInGroup = (t: GroupTarget) => !!t.membership?.mutedUntil && t.membership.mutedUntil.getTime() > Date.now();
/** Organization owners and admins (team, groups, helplines, their audit log); site admins too. Moderators are not managers. */
const orgManager = (a: Actor | null, t: OrganizationTarget) => (active(a) && (t.orgRole === "owner" || t.orgRole === "admin")) || siteAdmin(a);

/** Those who may see everything in a group, whatever its visibility. */
const insider = (a: Actor | null, t: GroupTarget) => (active(a) && (activeMember(t) || orgStaff(t))) || siteAdmin(a);
/** Group moderators, staff of the organization that runs the group, site admins. */
const moderates = (a: Actor | null, t: GroupTarget) => active(a) && (groupModerator(t) || orgStaff(t) || siteAdmin(a));
const canSee = (a: Actor | null, t: GroupTarget) => t.visibility === "public" || insider(a, t);
/**
 * Forum content (a thread list, a thread, its posts): the group is visible and its forum is open to
 * visitors, or the actor is inside; a members-only thread is for insiders whatever the group says.
 */
const readsForum = (a: Actor | null, t: ForumTarget) =>
  canSee(a, t) && (insider(a, t) || (t.forumPublic && !t.thread?.membersOnly));
const readsGroupRoom = (a: Actor | null, t: RoomTarget) => insider(a, t) && !t.sanction?.banned && (!t.room.archived || moderates(a, t));
const isDirect = (t: unknown): t is DirectRoomTarget => typeof t === "object" && t !== null && (t as { kind?: unknown }).kind === "direct";
/** Direct conversations are read by their current members only: no staff, no site admin. */
const readsRoom = (a: Actor | null, t: ChatTarget) => (isDirect(t) ? active(a) && t.participant : readsGroupRoom(a, t));
/**
 * Send: not muted (room or group), not banned; locked rooms are read-only except for moderators.
 * Archived rooms take no messages from anyone: they are closed, kept for their history.
 * Direct: a current member, unless the 1:1 conversation is blocked either way.
 */
const sendsInRoom = (a: Actor | null, t: ChatTarget) =>
  isDirect(t)
    ? active(a) && t.participant && !t.blocked && !t.room.archived
    : !t.room.archived &&
      (moderates(a, t) ||
        (active(a) &&
          activeMember(t) &&
          !mutedInGroup(t) &&
          !t.sanction?.banned &&
          !(t.sanction?.mutedUntil && t.sanction.mutedUntil.getTime() > Date.now()) &&
          !t.room.locked));
const ownMessage = (a: Actor | null, t: ChatMessageTarget) => a !== null && a.id === t.message.authorId && !t.message.deleted && t.message.kind !== "system";
/** Who may write in a group at all: active members who are not muted; moderators always. */
const mayWrite = (a: Actor | null, t: GroupTarget) => moderates(a, t) || (active(a) && activeMember(t) && !mutedInGroup(t));
/** Events: visible unless tied to a private group the actor is not inside (org staff always see their own). */
const eventVisible = (a: Actor | null, t: EventTarget) => t.group === null || canSee(a, t.group) || (active(a) && t.orgRole !== null);
const eventOrganizer = (a: Actor | null, t: EventTarget) => active(a) && t.orgRole !== null;
/** Reply to an event at all (going, maybe, not going): signed-in people who can see it, not banned from its group, while open. */
const mayRespond = (a: Actor | null, t: EventTarget) =>
  active(a) && eventVisible(a, t) && !(t.group && banned(t.group)) && !t.event.cancelled && !t.event.closed;
/** Library: the organization's staff (owner, admin, moderator) curate; site admins may too. */
const libraryStaff = (a: Actor | null, t: ResourceTarget) => (active(a) && t.orgRole !== null) || siteAdmin(a);
/** Resources: visible unless retired (staff only) or scoped to a private group the actor is not inside. */
const resourceVisible = (a: Actor | null, t: ResourceTarget) =>
  libraryStaff(a, t) || (!t.resource.retired && (t.group === null || canSee(a, t.group)));
const isResourceTarget = (t: unknown): t is ResourceTarget => typeof t === "object" && t !== null && (t as { kind?: unknown }).kind === "resource";
const isEventTarget = (t: unknown): t is EventTarget => typeof t === "object" && t !== null && (t as { kind?: unknown }).kind === "event";

export const rules = {
  // ── groups ───────────────────────────────────────────────────────────────────────────────
  /** The group page and its content. Private groups exist only for insiders (404 for others). */
  "group.view": (a: Actor | null, t: GroupTarget) => canSee(a, t),
  /** The member list: never shown to outsiders, even for public groups (pseudonyms, but still people). */
  "group.viewMembers": (a: Actor | null, t: GroupTarget) => insider(a, t),
  /** Join an open group at once. Discoverable from the directory, so not tied to group.view. */
  "group.join": (a: Actor | null, t: GroupTarget) => active(a) && t.joinPolicy === "open" && t.membership === null,
  /** Ask to join a group that needs approval. */
  "group.requestJoin": (a: Actor | null, t: GroupTarget) => active(a) && t.joinPolicy === "approval" && t.membership === null,
  /** Leave, or withdraw a pending request. A ban can't be shed by leaving. */
  "group.leave": (a: Actor | null, t: GroupTarget) => active(a) && t.membership !== null && !banned(t),
  /** Approve or decline join requests. */
  "group.reviewRequests": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** See members who chose not to be listed in member lists (the group's moderators must see everyone). */
  "group.seeUnlistedMembers": (a: Actor | null, t: GroupTarget) => moderates(a, t),

  // ── profiles ─────────────────────────────────────────────────────────────────────────────
  /** A member profile page: always your own; others' only if they allow members and you share a group. Visitors never. */
  "profile.view": (a: Actor | null, t: ProfileTarget) => active(a) && (a.id === t.userId || (t.profileVisibility === "members" && t.sharesGroup)),

  // ── forums ───────────────────────────────────────────────────────────────────────────────
  /**
   * Read the forum (thread list, search results) or one thread: insiders always; visitors and
   * non-members only in a public group whose forum is open to visitors, and never a members-only thread.
   */
  "forum.read": (a: Actor | null, t: ForumTarget) => readsForum(a, t),
  "forum.createThread": (a: Actor | null, t: GroupTarget) => mayWrite(a, t),
  /** Reply: locked threads take replies from moderators only. */
  "forum.reply": (a: Actor | null, t: ThreadTarget) =>
    !t.thread.deleted && mayWrite(a, t) && (!t.thread.locked || moderates(a, t)),
  /**
   * Authors edit and delete their own posts while they can still see the group. Editing is writing:
   * not while muted, not in a locked thread or one a moderator removed.
   */
  "post.edit": (a: Actor | null, t: PostTarget) =>
    active(a) &&
    a.id === t.post.authorId &&
    !t.post.deleted &&
    readsForum(a, t) &&
    !banned(t) &&
    !mutedInGroup(t) &&
    !t.thread.locked &&
    !t.thread.deleted,
  "post.delete": (a: Actor | null, t: PostTarget) => active(a) && a.id === t.post.authorId && !t.post.deleted && canSee(a, t),
  "post.react": (a: Actor | null, t: PostTarget) =>
    !t.post.deleted && !t.thread.deleted && active(a) && (activeMember(t) || moderates(a, t)),
  /** Anyone signed in who can see a post may report it (not their own, not one already taken down). */
  "post.report": (a: Actor | null, t: PostTarget) =>
    active(a) && readsForum(a, t) && a.id !== t.post.authorId && !banned(t) && !t.post.deleted && !t.thread.deleted,
  /** Pin, lock, remove and restore; see removed content and the reasons. */
  "forum.moderate": (a: Actor | null, t: GroupTarget) => moderates(a, t),

  // ── chat ─────────────────────────────────────────────────────────────────────────────────
  /** Open a room: history, presence. Chat is for the group's members, even in public groups; a direct conversation for its members. */
  "chat.read": (a: Actor | null, t: ChatTarget) => readsRoom(a, t),
  "chat.send": (a: Actor | null, t: ChatTarget) => sendsInRoom(a, t),
  /** Report a message: whoever may read the room (so not from an archived room a member can't open), never their own. */
  "chat.report": (a: Actor | null, t: ChatMessageTarget) => active(a) && readsRoom(a, t) && a.id !== t.message.authorId && !t.message.deleted,
  /** Edit one's own message: only while one may still send there (a mute or a lock stops edits too). */
  "chat.editOwn": (a: Actor | null, t: ChatMessageTarget) => ownMessage(a, t) && sendsInRoom(a, t),
  /** Delete one's own message: whenever one may still read the room (muted people may take their words back). */
  "chat.deleteOwn": (a: Actor | null, t: ChatMessageTarget) => ownMessage(a, t) && active(a) && readsRoom(a, t),
  /** Hug / Same here / Helpful: whoever may send in the room, on a message that is not deleted. */
  "chat.react": (a: Actor | null, t: ChatMessageTarget) => !t.message.deleted && t.message.kind !== "system" && sendsInRoom(a, t),
  /** Earlier versions of an edited message: the group's moderators (nobody moderates direct conversations). */
  "chat.viewVersions": (a: Actor | null, t: ChatTarget) => !isDirect(t) && moderates(a, t),
  /** Delete messages, mute, ban, slow mode, lock, pin. */
  "chat.moderate": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** Create, rename and archive rooms. */
  "chat.manageRooms": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** Turn a message and its replies into a forum thread of the same group: its moderators. */
  "chat.moveToForum": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** How long a room keeps its messages: the organization's owners and admins (and site admins). */
  "chat.setRetention": (a: Actor | null, t: GroupTarget) => (active(a) && (t.orgRole === "owner" || t.orgRole === "admin")) || siteAdmin(a),

  // ── direct conversations and blocks ──────────────────────────────────────────────────────
  /** Start a direct conversation with (or add to one) this person: only as they chose, never across a block. */
  "dm.start": (a: Actor | null, t: DirectStartTarget) =>
    active(a) && a.id !== t.userId && t.recipientActive && !t.blocked && (t.dmPolicy === "anyone" || (t.dmPolicy === "groups" && t.sharesGroup)),
  /** Block or unblock someone: anyone signed in, never oneself. Blocks never limit moderation. */
  "block.member": (a: Actor | null, t: BlockTarget) => active(a) && a.id !== t.userId,

  // ── organizations ────────────────────────────────────────────────────────────────────────
  /** Ask to register a patient organization: anyone signed in. */
  "organization.apply": (a: Actor | null, _t: SiteTarget) => active(a),
  /** Verify or decline applications: site admins. */
  "organization.reviewApplications": (a: Actor | null, _t: SiteTarget) => siteAdmin(a),
  /** The organization's staff page (team, groups, links to the queue and the log): its staff and site admins. */
  "organization.viewStaffPage": (a: Actor | null, t: OrganizationTarget) => (active(a) && t.orgRole !== null) || siteAdmin(a),
  /** Invite staff by display name, change roles, remove: owners and admins. */
  "organization.manageTeam": (a: Actor | null, t: OrganizationTarget) => orgManager(a, t),
  /** Create groups the organization runs: owners and admins. */
  "organization.createGroup": (a: Actor | null, t: OrganizationTarget) => orgManager(a, t),
  /** The "Get help now" page's helplines text: owners and admins. */
  "organization.editHelplines": (a: Actor | null, t: OrganizationTarget) => orgManager(a, t),
  /** The audit log of the organization's groups: owners and admins (and site admins, who see all). */
  "organization.viewAudit": (a: Actor | null, t: OrganizationTarget) => orgManager(a, t),
  /** Edit a group's name, description, visibility and join policy: the owners and admins of the organization running it. */
  "organization.editGroup": (a: Actor | null, t: GroupTarget) => orgManager(a, t),
  /** Appoint or stand down group moderators (from the group's members): the organization's owners and admins. */
  "organization.appointModerators": (a: Actor | null, t: GroupTarget) => orgManager(a, t),

  // ── moderation ───────────────────────────────────────────────────────────────────────────
  /** See a group's reports and appeals (content in context, removed content too): whoever moderates the group. */
  "moderation.viewQueue": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  "moderation.dismiss": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  "moderation.removeContent": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  "moderation.warn": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** Group-wide mute (group_memberships.muted_until) and ban (status banned). */
  "moderation.mute": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  "moderation.ban": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  "moderation.escalate": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** Uphold or overturn a member's appeal against a decision in the group. */
  "moderation.decideAppeal": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** Escalated reports, reports outside any group, the whole audit log, suspensions: site admins. */
  "moderation.viewEscalated": (a: Actor | null, _t: SiteTarget) => siteAdmin(a),
  "moderation.viewSiteAudit": (a: Actor | null, _t: SiteTarget) => siteAdmin(a),
  "account.suspend": (a: Actor | null, _t: SiteTarget) => siteAdmin(a),
  /** Report a member of the group to its moderators: the group's insiders, never oneself. */
  "member.report": (a: Actor | null, t: MemberTarget) => active(a) && insider(a, t) && a.id !== t.member.userId,
  /** Approve or reject held content (new-member review, watched words' "hold") in the group: whoever moderates it. */
  "moderation.reviewHeld": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** Appeal a decision that concerned oneself, once. */
  "moderation.appeal": (a: Actor | null, t: NoticeTarget) => active(a) && t.subjectId === a.id && t.appealable && !t.appealed,

  // ── safety automation ────────────────────────────────────────────────────────────────────
  /** The organization's watched words (list, add, remove, CSV import and export, the test box): owners and admins. */
  "safety.manageWatchedWords": (a: Actor | null, t: OrganizationTarget) => orgManager(a, t),
  /** The site-wide watched words, applied in every organization: site admins. */
  "safety.manageSiteWatchedWords": (a: Actor | null, _t: SiteTarget) => siteAdmin(a),
  /** New-member review (hold the first N posts) and the auto-hide threshold: owners and admins. */
  "safety.editSettings": (a: Actor | null, t: OrganizationTarget) => orgManager(a, t),
  /**
   * Who skips the holds (new-member review, a watched word's "hold") and the personal-data step in a
   * group: its moderators (their helpline texts carry phone numbers on purpose). "block" words still apply.
   */
  "safety.exempt": (a: Actor | null, t: GroupTarget) => moderates(a, t),
  /** Keep a server draft of a new thread, reply or edit in a group: its insiders (who could write there), not the banned. */
  "draft.save": (a: Actor | null, t: GroupTarget) => insider(a, t) && !banned(t),

  // ── events ───────────────────────────────────────────────────────────────────────────────
  /** See an event: everyone, except events of a private group (insiders only; 404 for others). */
  "event.view": (a: Actor | null, t: EventTarget) => eventVisible(a, t),
  /** Post an event for an organization: its owner, admins and moderators. */
  "event.create": (a: Actor | null, t: OrganizationTarget) => active(a) && t.orgRole !== null,
  /** Edit or cancel: the organization's staff, while the event is not cancelled. */
  "event.edit": (a: Actor | null, t: EventTarget) => eventOrganizer(a, t) && !t.event.cancelled,
  "event.cancel": (a: Actor | null, t: EventTarget) => eventOrganizer(a, t) && !t.event.cancelled,
  /** RSVP "going" (or join the waitlist): signed-in people who can see it, not banned from its group, while open. */
  "event.rsvp": (a: Actor | null, t: EventTarget) =>
    mayRespond(a, t) && t.rsvp !== "going" && t.rsvp !== "waitlisted",
  /** Answer "maybe" or "not going" (never takes a place; a going member who answers so gives theirs up): as for RSVPs, while open. */
  "event.respond": (a: Actor | null, t: EventTarget) => mayRespond(a, t),
  /** Withdraw one's own RSVP (going or waitlisted), until the event starts. */
  "event.cancelRsvp": (a: Actor | null, t: EventTarget) => active(a) && eventVisible(a, t) && t.rsvp !== null && !t.event.cancelled,
  /**
   * Hold a place (going or waitlisted): whoever may see the event and is not banned from its group.
   * Losing this (leaving a private group, a ban, leaving the organization's team) releases the place.
   */
  "event.keepRsvp": (a: Actor | null, t: EventTarget) => a !== null && eventVisible(a, t) && !(t.group && banned(t.group)),
  /** Attendee list, waitlist and CSV export (display names only): the organization's staff. */
  "event.viewAttendees": (a: Actor | null, t: EventTarget) => eventOrganizer(a, t),
  /** Message the attendees by status (in-app and e-mail): the organization's staff, while not cancelled. */
  "event.message": (a: Actor | null, t: EventTarget) => eventOrganizer(a, t) && !t.event.cancelled,
  /** Remove an attendee, promote from the waitlist by hand, check people in (also after the start): organizers. */
  "event.manageAttendees": (a: Actor | null, t: EventTarget) => eventOrganizer(a, t) && !t.event.cancelled,
  /** Open a discussion (forum thread or chat room) for the attendees: organizers of a group's event. */
  "event.openDiscussion": (a: Actor | null, t: EventTarget) => eventOrganizer(a, t) && !t.event.cancelled && t.group !== null,
  /** The online link: members who are going, and organizers. Never the waitlist, never visitors. */
  "event.viewOnlineLink": (a: Actor | null, t: EventTarget) =>
    eventOrganizer(a, t) || (active(a) && eventVisible(a, t) && t.rsvp === "going" && !(t.group && banned(t.group))),

  // ── library ──────────────────────────────────────────────────────────────────────────────
  /** See a resource (listing, page, search): everyone, except private groups' resources (insiders) and retired ones (staff). */
  "library.view": (a: Actor | null, t: ResourceTarget) => resourceVisible(a, t),
  /** Download a resource's document: exactly who may see the resource (404 for everyone else). */
  "library.downloadFile": (a: Actor | null, t: ResourceTarget) => resourceVisible(a, t),
  /** Add a resource for an organization: its owner, admins and moderators (and site admins). */
  "library.create": (a: Actor | null, t: OrganizationTarget) => (active(a) && t.orgRole !== null) || siteAdmin(a),
  /** Edit, or renew the "reviewed by" stamp: the organization's staff, while the resource is not retired. */
  "library.edit": (a: Actor | null, t: ResourceTarget) => libraryStaff(a, t) && !t.resource.retired,
  "library.review": (a: Actor | null, t: ResourceTarget) => libraryStaff(a, t) && !t.resource.retired,
  /** Retire (hide from readers) and restore: the organization's staff. */
  "library.retire": (a: Actor | null, t: ResourceTarget) => libraryStaff(a, t) && !t.resource.retired,
  "library.restore": (a: Actor | null, t: ResourceTarget) => libraryStaff(a, t) && t.resource.retired,
  /** Bookmark (or remove a bookmark): signed-in, active people who can see the resource. */
  "library.bookmark": (a: Actor | null, t: ResourceTarget) => active(a) && !t.resource.retired && resourceVisible(a, t),
  /** A resource's version history and diffs (retired ones too): the organization's staff. */
  "library.viewHistory": (a: Actor | null, t: ResourceTarget) => libraryStaff(a, t),
  /** Restore an earlier version (as a new version), or name the resource's reviewer: staff, while not retired. */
  "library.restoreVersion": (a: Actor | null, t: ResourceTarget) => libraryStaff(a, t) && !t.resource.retired,
  "library.assignReviewer": (a: Actor | null, t: ResourceTarget) => libraryStaff(a, t) && !t.resource.retired,
};

export type Action = keyof typeof rules;
export type TargetOf<A extends Action> = Parameters<(typeof rules)[A]>[1];
export const actions = Object.keys(rules) as Action[];

/** What waits for a confirmed e-mail address: writing where others read it, and holding event places. */
export const unverifiedMayNot = new Set<Action>(["forum.createThread", "forum.reply", "chat.send", "chat.editOwn", "dm.start", "event.rsvp"]);
export const CONFIRM_EMAIL_FIRST =
  "Please confirm your e-mail address first: use the link we sent you, or ask for a new one at the top of the page.";

export function can<A extends Action>(actor: Actor | null, action: A, target: TargetOf<A>): boolean {
  if (unverified(actor) && unverifiedMayNot.has(action)) return false;
  return (rules[action] as (a: Actor | null, t: TargetOf<A>) => boolean)(actor, target);
}

const forbiddenMessages: Partial<Record<Action, string>> = {
  "group.viewMembers": "Only members of this group can see who belongs to it.",
  "group.join": "You can't join this group.",
  "group.requestJoin": "You can't ask to join this group.",
  "group.leave": "You are not a member of this group.",
  "group.reviewRequests": "Only the group's moderators can review join requests.",
  "forum.createThread": "Only members of this group can start threads. Join the group first.",
  "post.edit": "You can only edit your own posts.",
  "post.delete": "You can only delete your own posts.",
  "post.react": "Join the group to react to posts.",
  "post.report": "You can't report this post.",
  "forum.moderate": "Only the group's moderators can do that.",
  "chat.report": "You can't report this message.",
  "chat.moderate": "Only the group's moderators can do that.",
  "chat.manageRooms": "Only the group's moderators can manage chat rooms.",
  "chat.editOwn": "You can only edit your own messages, while you can send in this room.",
  "chat.deleteOwn": "You can only delete your own messages.",
  "chat.react": "You can't react to messages in this room.",
  "chat.viewVersions": "Only the group's moderators can see earlier versions of a message.",
  "chat.moveToForum": "Only the group's moderators can move messages to the forum.",
  "chat.setRetention": "Only the organization's owners and admins can change how long messages are kept.",
  "dm.start": "This person doesn't accept direct messages from you.",
  "block.member": "You can't block yourself.",
  "organization.apply": "Please sign in to apply.",
  "organization.reviewApplications": "Only site administrators can review applications.",
  "organization.viewStaffPage": "Only the organization's staff can see this page.",
  "organization.manageTeam": "Only the organization's owners and admins can manage its team.",
  "organization.createGroup": "Only the organization's owners and admins can create groups.",
  "organization.editHelplines": "Only the organization's owners and admins can change its helplines.",
  "organization.viewAudit": "Only the organization's owners and admins can read its audit log.",
  "organization.editGroup": "Only the organization's owners and admins can change this group.",
  "organization.appointModerators": "Only the organization's owners and admins can appoint moderators.",
  "moderation.viewQueue": "Only the group's moderators can see its moderation queue.",
  "moderation.dismiss": "Only the group's moderators can do that.",
  "moderation.removeContent": "Only the group's moderators can do that.",
  "moderation.warn": "Only the group's moderators can do that.",
  "moderation.mute": "Only the group's moderators can do that.",
  "moderation.ban": "Only the group's moderators can do that.",
  "moderation.escalate": "Only the group's moderators can do that.",
  "moderation.decideAppeal": "Only the group's moderators can decide appeals.",
  "moderation.viewEscalated": "Only site administrators can see escalated reports.",
  "moderation.viewSiteAudit": "Only site administrators can read the whole audit log.",
  "account.suspend": "Only site administrators can suspend accounts.",
  "moderation.appeal": "You can't appeal this decision.",
  "moderation.reviewHeld": "Only the group's moderators can approve or reject held posts.",
  "safety.manageWatchedWords": "Only the organization's owners and admins can change its watched words.",
  "safety.manageSiteWatchedWords": "Only site administrators can change the site-wide watched words.",
  "safety.editSettings": "Only the organization's owners and admins can change its safety settings.",
  "draft.save": "Only members of this group can keep drafts here.",
  "member.report": "You can't report this member.",
  "event.create": "Only an organization's staff can post events for it.",
  "event.edit": "Only the organization's staff can change this event.",
  "event.cancel": "Only the organization's staff can cancel this event.",
  "event.rsvp": "You can't RSVP to this event.",
  "event.cancelRsvp": "You have no RSVP to cancel for this event.",
  "event.viewAttendees": "Only the organizers can see who is coming.",
  "event.viewOnlineLink": "The online link is only for members who are going.",
  "event.respond": "You can't reply to this event.",
  "event.message": "Only the organizers can message this event's attendees.",
  "event.manageAttendees": "Only the organizers can manage this event's attendees.",
  "event.openDiscussion": "Only the organizers of a group's event can open a discussion for it.",
  "library.create": "Only an organization's staff can add resources to its library.",
  "library.edit": "Only the organization's staff can change this resource.",
  "library.review": "Only the organization's staff can review this resource.",
  "library.retire": "Only the organization's staff can retire this resource.",
  "library.restore": "Only the organization's staff can restore this resource.",
  "library.bookmark": "You can't bookmark this resource.",
  "library.viewHistory": "Only the organization's staff can see this resource's history.",
  "library.restoreVersion": "Only the organization's staff can restore a version.",
  "library.assignReviewer": "Only the organization's staff can choose a reviewer.",
};

/** A reason a person can act on, for the denials where the state (not the role) is what says no. */
function stateReason(action: Action, target: GroupTarget | EventTarget | OrganizationTarget | ResourceTarget | DirectRoomTarget): string | undefined {
  if (isDirect(target)) {
    if (target.room.archived) return "This conversation is closed.";
    if (target.blocked) return "You can't send messages in this conversation: one of you has blocked the other.";
    return undefined;
  }
  if (isResourceTarget(target)) return target.resource.retired && action !== "library.restore" ? "This resource has been retired." : undefined;
  if (isEventTarget(target)) {
    if (target.event.cancelled && action !== "event.view") return "This event has been cancelled.";
    if (action === "event.rsvp" && (target.rsvp === "going" || target.rsvp === "waitlisted")) return "You have already replied to this event.";
    if ((action === "event.rsvp" || action === "event.respond") && target.event.closed) return "RSVPs for this event are closed.";
    if ((action === "event.rsvp" || action === "event.respond") && target.group && banned(target.group)) return "You can't RSVP to this group's events.";
    if (action === "event.openDiscussion" && target.group === null) return "A discussion needs a group: this event is organization-wide.";
    return undefined;
  }
  if (!("visibility" in target)) return undefined;
  const t = target as Partial<ThreadTarget & PostTarget & RoomTarget>;
  if (mutedInGroup(target)) return `You are muted in this group until ${target.membership!.mutedUntil!.toISOString()}.`;
  if (action === "forum.reply" && t.thread?.deleted) return "This thread was removed by a moderator: it takes no new replies.";
  if (action === "forum.reply" && t.thread?.locked) return "This thread is locked: it takes no new replies.";
  if (action === "forum.reply" && !activeMember(target)) return "Only members of this group can reply. Join the group first.";
  if (action === "post.edit" && t.thread?.locked) return "This thread is locked, so its posts can't be edited.";
  if ((action === "post.edit" || action === "post.react" || action === "post.report") && (t.post?.deleted || t.thread?.deleted)) {
    return "That post has been deleted or removed.";
  }
  if (action === "chat.react" && (target as Partial<ChatMessageTarget>).message?.deleted) return "That message has been deleted.";
  if (action === "chat.send" || action === "chat.read" || action === "chat.react") {
    if (t.sanction?.banned) return "You have been removed from this room by a moderator.";
    if (t.sanction?.mutedUntil && t.sanction.mutedUntil.getTime() > Date.now()) {
      return `You are muted in this room until ${t.sanction.mutedUntil.toISOString()}.`;
    }
    if (t.room?.archived) return "This room is archived.";
    if (t.room?.locked) return "This room is locked: it is read-only for now.";
    if (!activeMember(target)) return "Only members of this group can chat here. Join the group first.";
  }
  return undefined;
}

/**
 * `forum.read` across many groups at once, for queries that must filter in SQL (search): which
 * groups' forums the actor may read. "all": every group; "public+insider": public groups plus those
 * where the actor is an active member or on the organization's staff; "public": public groups only.
 * It must agree with `rules["forum.read"]`; tests/unit/policy-forums.test.ts checks that it does.
 * app/policy-sql.server.ts builds every SQL visibility filter on it (tests/integration/policy-sql.test.ts).
 */
export type ReadScope = "all" | "public+insider" | "public";
export function forumReadScope(actor: Actor | null): ReadScope {
  if (siteAdmin(actor)) return "all";
  if (active(actor)) return "public+insider";
  return "public";
}

/** Actions that can be asked about a group the actor cannot see (the directory lists them). */
const discoverable = new Set<Action>(["group.join", "group.requestJoin", "group.leave"]);

/**
 * Why `can` says no, as the code and message `assertCan` throws (null when it says yes), without
 * making an Error: a page that only shows the reason (the thread's "why you can't reply") would
 * otherwise capture a stack trace on every view. NotFound when the actor may not even know the
 * group's content exists (private groups answer 404, never 403), otherwise a message for the person.
 */
export function refusal<A extends Action>(actor: Actor | null, action: A, target: TargetOf<A>, what = "That group"): { code: ErrorCode; message: string } | null {
  if (can(actor, action, target)) return null;
  // A direct conversation exists only for its members: everyone else is told it doesn't.
  const visible = isDirect(target)
    ? target.participant
    : isEventTarget(target)
    ? eventVisible(actor, target)
    : isResourceTarget(target)
      ? resourceVisible(actor, target)
      : !("visibility" in target)
        ? true
        : // Forum content the actor may not read (a closed forum, a members-only thread) answers 404 like a private group.
          action === "forum.read" || "thread" in target
          ? readsForum(actor, target)
          : canSee(actor, target);
  if (!discoverable.has(action) && !visible) return { code: "not_found", message: notFoundMessage(what) };
  if (actor === null) return { code: "unauthenticated", message: "Please sign in first." };
  if (actor.status !== "active") return { code: "forbidden", message: "Your account is suspended." };
  if (unverified(actor) && unverifiedMayNot.has(action) && (rules[action] as (a: Actor, t: unknown) => boolean)(actor, target)) return { code: "forbidden", message: CONFIRM_EMAIL_FIRST };
  return { code: "forbidden", message: stateReason(action, target as Parameters<typeof stateReason>[1]) ?? forbiddenMessages[action] ?? NOT_PERMITTED };
}

/** Throws the `refusal` when there is one. */
export function assertCan<A extends Action>(actor: Actor | null, action: A, target: TargetOf<A>, what = "That group"): void {
  const refused = refusal(actor, action, target, what);
  if (refused) throw new DomainError(refused.code, refused.message);
}
