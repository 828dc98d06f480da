import { describe, expect, it } from "vitest";
import { isDomainError } from "#app/lib/errors";
import { actions, assertCan, can, forumReadScope, type Action, type Actor, type GroupTarget, type PostTarget } from "#app/policy.server";

/**
 * The forum permission matrix, written out by hand: every forum.* and post.* action × role ×
 * (public, private) group, then the same for the thread and post states that change the answer.
 * Each string is [public, private]; Y = allowed.
 */
type Role =
  | "visitor"
  | "suspended member"
  | "signed-in outsider"
  | "pending requester"
  | "banned"
  | "group member"
  | "muted member"
  | "group moderator"
  | "org moderator"
  | "org admin"
  | "org owner"
  | "site admin";
const roles: Role[] = [
  "visitor", "suspended member", "signed-in outsider", "pending requester", "banned", "group member",
  "muted member", "group moderator", "org moderator", "org admin", "org owner", "site admin",
];

type ForumAction = Extract<Action, `forum.${string}` | `post.${string}`>;
type Row = Record<Role, string>;

const ME = "u1";
const SOMEONE_ELSE = "u2";
const user = (over: Partial<Actor> = {}): Actor => ({ id: ME, siteRole: "member", status: "active", ...over });
const future = new Date(Date.now() + 3_600_000);

function situation(role: Role): { actor: Actor | null; membership: GroupTarget["membership"]; orgRole: GroupTarget["orgRole"] } {
  switch (role) {
    case "visitor": return { actor: null, membership: null, orgRole: null };
    case "suspended member": return { actor: user({ status: "suspended" }), membership: { role: "member", status: "active" }, orgRole: null };
    case "signed-in outsider": return { actor: user(), membership: null, orgRole: null };
    case "pending requester": return { actor: user(), membership: { role: "member", status: "pending" }, orgRole: null };
    case "banned": return { actor: user(), membership: { role: "member", status: "banned" }, orgRole: null };
    case "group member": return { actor: user(), membership: { role: "member", status: "active" }, orgRole: null };
    case "muted member": return { actor: user(), membership: { role: "member", status: "active", mutedUntil: future }, orgRole: null };
    case "group moderator": return { actor: user(), membership: { role: "moderator", status: "active" }, orgRole: null };
    case "org moderator": return { actor: user(), membership: null, orgRole: "moderator" };
    case "org admin": return { actor: user(), membership: null, orgRole: "admin" };
    case "org owner": return { actor: user(), membership: null, orgRole: "owner" };
    case "site admin": return { actor: user({ siteRole: "admin" }), membership: null, orgRole: null };
  }
}

interface State {
  locked?: boolean;
  threadDeleted?: boolean;
  postDeleted?: boolean;
  /** Whose post: the actor's own or someone else's. */
  author: "me" | "someone else";
  /** The group's "Visitors can read the forum" (default on, as for older groups). */
  forumPublic?: boolean;
  /** The author chose "members only" for the thread. */
  membersOnly?: boolean;
}

function target(role: Role, visibility: "public" | "private", s: State): PostTarget {
  const { membership, orgRole } = situation(role);
  return {
    visibility,
    joinPolicy: visibility === "public" ? "open" : "approval",
    membership,
    orgRole,
    forumPublic: s.forumPublic ?? true,
    thread: { locked: !!s.locked, deleted: !!s.threadDeleted, membersOnly: !!s.membersOnly },
    post: { authorId: s.author === "me" ? ME : SOMEONE_ELSE, deleted: !!s.postDeleted },
  };
}

function row(action: ForumAction, role: Role, s: State): string {
  const { actor } = situation(role);
  return (["public", "private"] as const).map((v) => (can(actor, action, target(role, v, s)) ? "Y" : "N")).join("");
}

// Open thread, nothing deleted. post.edit / post.delete are about the actor's own post; the rest
// about someone else's post.
const base: Record<ForumAction, Row> = {
  "forum.read": {
    visitor: "YN", "suspended member": "YN", "signed-in outsider": "YN", "pending requester": "YN", banned: "YN", "group member": "YY",
    "muted member": "YY", "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "forum.createThread": {
    visitor: "NN", "suspended member": "NN", "signed-in outsider": "NN", "pending requester": "NN", banned: "NN", "group member": "YY",
    "muted member": "NN", "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "forum.reply": {
    visitor: "NN", "suspended member": "NN", "signed-in outsider": "NN", "pending requester": "NN", banned: "NN", "group member": "YY",
    "muted member": "NN", "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "post.edit": {
    // Someone who left a public group (outsider, pending) may still fix their own old posts.
    visitor: "NN", "suspended member": "NN", "signed-in outsider": "YN", "pending requester": "YN", banned: "NN", "group member": "YY",
    "muted member": "NN", "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "post.delete": {
    // Taking down one's own words is allowed even when banned or muted, wherever one can still see them.
    visitor: "NN", "suspended member": "NN", "signed-in outsider": "YN", "pending requester": "YN", banned: "YN", "group member": "YY",
    "muted member": "YY", "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "post.react": {
    visitor: "NN", "suspended member": "NN", "signed-in outsider": "NN", "pending requester": "NN", banned: "NN", "group member": "YY",
    "muted member": "YY", "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "post.report": {
    visitor: "NN", "suspended member": "NN", "signed-in outsider": "YN", "pending requester": "YN", banned: "NN", "group member": "YY",
    "muted member": "YY", "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
  "forum.moderate": {
    visitor: "NN", "suspended member": "NN", "signed-in outsider": "NN", "pending requester": "NN", banned: "NN", "group member": "NN",
    "muted member": "NN", "group moderator": "YY", "org moderator": "YY", "org admin": "YY", "org owner": "YY", "site admin": "YY",
  },
};

const authorOf = (a: ForumAction): State["author"] => (a === "post.edit" || a === "post.delete" ? "me" : "someone else");

describe("forum policy matrix: open thread", () => {
  const forumActions = actions.filter((a): a is ForumAction => a.startsWith("forum.") || a.startsWith("post."));
  it("covers every forum and post action the policy defines", () => {
    expect(Object.keys(base).sort()).toEqual([...forumActions].sort());
  });
  for (const action of forumActions) {
    for (const role of roles) {
      it(`${action} for ${role}`, () => {
        expect(row(action, role, { author: authorOf(action) })).toBe(base[action][role]);
      });
    }
  }
});

/**
 * A forum closed to visitors, or a members-only thread: the public group's forum content is for
 * insiders (active members, org staff, site admins); outsiders who could read it before can't, so
 * they can't report or edit there either. Deleting one's own words stays allowed (post.delete).
 */
const insidersOnly: Partial<Record<ForumAction, Partial<Row>>> = {
  "forum.read": { visitor: "NN", "suspended member": "NN", "signed-in outsider": "NN", "pending requester": "NN", banned: "NN" },
  "post.edit": { "signed-in outsider": "NN", "pending requester": "NN" },
  "post.report": { "signed-in outsider": "NN", "pending requester": "NN" },
};

/** Only the rows that differ from `base` are listed; every other role keeps its base answer. */
const states: { name: string; state: Omit<State, "author">; changes: Partial<Record<ForumAction, Partial<Row>>> }[] = [
  { name: "forum closed to visitors", state: { forumPublic: false }, changes: insidersOnly },
  { name: "members-only thread", state: { membersOnly: true }, changes: insidersOnly },
  { name: "members-only thread in a closed forum", state: { forumPublic: false, membersOnly: true }, changes: insidersOnly },
  {
    name: "locked thread",
    state: { locked: true },
    changes: {
      // Only moderators reply to a locked thread, and nobody edits in one.
      "forum.reply": { "group member": "NN" },
      "post.edit": {
        "signed-in outsider": "NN", "pending requester": "NN", "group member": "NN", "group moderator": "NN",
        "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
    },
  },
  {
    name: "thread removed by a moderator",
    state: { threadDeleted: true },
    changes: {
      "forum.reply": {
        "group member": "NN", "group moderator": "NN", "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
      "post.edit": {
        "signed-in outsider": "NN", "pending requester": "NN", "group member": "NN", "group moderator": "NN",
        "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
      "post.react": {
        "group member": "NN", "muted member": "NN", "group moderator": "NN", "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
      "post.report": {
        "signed-in outsider": "NN", "pending requester": "NN", "group member": "NN", "muted member": "NN", "group moderator": "NN",
        "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
    },
  },
  {
    name: "post deleted or removed",
    state: { postDeleted: true },
    changes: {
      "post.edit": {
        "signed-in outsider": "NN", "pending requester": "NN", "group member": "NN", "group moderator": "NN",
        "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
      "post.delete": {
        "signed-in outsider": "NN", "pending requester": "NN", banned: "NN", "group member": "NN", "muted member": "NN", "group moderator": "NN",
        "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
      "post.react": {
        "group member": "NN", "muted member": "NN", "group moderator": "NN", "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
      "post.report": {
        "signed-in outsider": "NN", "pending requester": "NN", "group member": "NN", "muted member": "NN", "group moderator": "NN",
        "org moderator": "NN", "org admin": "NN", "org owner": "NN", "site admin": "NN",
      },
    },
  },
];

for (const { name, state, changes } of states) {
  describe(`forum policy matrix: ${name}`, () => {
    for (const action of Object.keys(base) as ForumAction[]) {
      for (const role of roles) {
        it(`${action} for ${role}`, () => {
          const expected = changes[action]?.[role] ?? base[action][role];
          expect(row(action, role, { ...state, author: authorOf(action) })).toBe(expected);
        });
      }
    }
  });
}

describe("the other person's post", () => {
  it("nobody edits or deletes someone else's post, moderators included (they remove instead)", () => {
    for (const role of roles) {
      expect(row("post.edit", role, { author: "someone else" }), role).toBe("NN");
      expect(row("post.delete", role, { author: "someone else" }), role).toBe("NN");
    }
  });
  it("nobody reports their own post", () => {
    for (const role of roles) expect(row("post.report", role, { author: "me" }), role).toBe("NN");
  });
});

describe("forumReadScope agrees with forum.read", () => {
  it("for every role and visibility", () => {
    for (const role of roles) {
      const { actor, membership, orgRole } = situation(role);
      const scope = forumReadScope(actor);
      for (const visibility of ["public", "private"] as const) {
        for (const forumPublic of [true, false]) {
          for (const membersOnly of [false, true]) {
            // What policy-sql's forumVisibleSql does with the scope (search, home, profiles, related threads).
            const inside = scope === "all" || (scope === "public+insider" && (membership?.status === "active" || orgRole !== null));
            const sqlSays = inside || (visibility === "public" && forumPublic && !membersOnly);
            const t = { visibility, joinPolicy: "open" as const, forumPublic, membership, orgRole, thread: { membersOnly } };
            expect(sqlSays, `${role} / ${visibility} / forumPublic ${forumPublic} / membersOnly ${membersOnly}`).toBe(can(actor, "forum.read", t));
          }
        }
      }
    }
  });
});

describe("assertCan on forums", () => {
  const codeOf = (fn: () => void) => {
    try {
      fn();
      return "allowed";
    } catch (e) {
      return isDomainError(e) ? `${e.code}: ${e.message}` : "other";
    }
  };
  it("answers 404 for a private group's forum, never 403", () => {
    expect(codeOf(() => assertCan(user(), "forum.read", target("signed-in outsider", "private", { author: "me" }), "That thread"))).toBe(
      "not_found: That thread could not be found.",
    );
    expect(codeOf(() => assertCan(null, "forum.reply", target("visitor", "private", { author: "me" })))).toMatch(/^not_found/);
  });
  it("answers 404 for a forum closed to visitors and for a members-only thread, to visitors and outsiders alike", () => {
    for (const state of [{ forumPublic: false }, { membersOnly: true }]) {
      expect(codeOf(() => assertCan(null, "forum.read", target("visitor", "public", { ...state, author: "me" }), "That thread"))).toBe(
        "not_found: That thread could not be found.",
      );
      expect(codeOf(() => assertCan(user(), "forum.read", target("signed-in outsider", "public", { ...state, author: "me" })))).toMatch(/^not_found/);
      expect(codeOf(() => assertCan(user(), "post.report", target("signed-in outsider", "public", { ...state, author: "someone else" })))).toMatch(/^not_found/);
      expect(codeOf(() => assertCan(user(), "forum.read", target("group member", "public", { ...state, author: "me" })))).toBe("allowed");
    }
  });
  it("explains a locked thread, a mute and a missing membership", () => {
    expect(codeOf(() => assertCan(user(), "forum.reply", target("group member", "public", { locked: true, author: "me" })))).toBe(
      "forbidden: This thread is locked: it takes no new replies.",
    );
    expect(codeOf(() => assertCan(user(), "forum.reply", target("muted member", "public", { author: "me" })))).toMatch(/^forbidden: You are muted in this group until /);
    expect(codeOf(() => assertCan(user(), "forum.reply", target("signed-in outsider", "public", { author: "me" })))).toBe(
      "forbidden: Only members of this group can reply. Join the group first.",
    );
    expect(codeOf(() => assertCan(null, "forum.createThread", target("visitor", "public", { author: "me" })))).toBe("unauthenticated: Please sign in first.");
  });
});
