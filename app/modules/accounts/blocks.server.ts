import { and, asc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { userBlocks, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { NotFound, Unauthenticated } from "#app/lib/errors";
import { assertCan, type Actor } from "#app/policy.server";
import { MemberIdSchema } from "./profile.schema";

/**
 * Blocking one member: for the blocker, the blocked person's chat messages and forum posts are
 * collapsed (shown on request, per item), their mentions, replies and reactions don't notify the
 * blocker, the blocker isn't suggested to them in mention autocomplete, and they can't start or send
 * direct messages to the blocker (the DM module checks `user_blocks` itself). They aren't told.
 * Blocks never limit moderation: moderators see and act on everything, and reports still arrive.
 */

const MEMBER = "That member";

/** The block / unblock form (profile page, the confirm page, settings → blocked members). */
const CHOOSE_MEMBER = "Choose a member to block or unblock.";
export const BlockFormSchema = z.object(
  {
    intent: z.enum(["block", "unblock"], { errorMap: () => ({ message: "Choose to block or unblock." }) }),
    userId: z.string({ errorMap: () => ({ message: CHOOSE_MEMBER }) }).refine((v) => MemberIdSchema.safeParse(v).success, CHOOSE_MEMBER),
  },
  { errorMap: () => ({ message: CHOOSE_MEMBER }) },
);
export type BlockForm = z.infer<typeof BlockFormSchema>;

/** Light: enough for anyone tidying their list, not for someone toggling a block to spam the table. */
export const blockRate: RateRule = {
  limit: 30,
  windowSeconds: 10 * 60,
  message: "You have blocked and unblocked many times in a short time. Please wait a few minutes.",
};

/** The person to block, if their account exists and isn't deleted (else NotFound, as for any unknown id). */
async function liveMember(app: AppContext, userId: string) {
  const [row] = await app.db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .limit(1);
  if (!row) throw NotFound(MEMBER);
  return row;
}

/** The confirm page: who they are and whether the viewer blocks them already. */
export async function blockStatus(app: AppContext, viewer: Actor | null, userId: string) {
  if (!viewer) throw Unauthenticated();
  const member = await liveMember(app, userId);
  return { member, self: member.id === viewer.id, blocked: (await blocksBetween(app, viewer.id, member.id)).aBlocksB };
}

/** Block or unblock (both idempotent: blocking twice keeps the first block's date). Answers whether they are blocked now. */
export async function setBlock(app: AppContext, viewer: Actor | null, input: BlockForm): Promise<{ displayName: string; blocked: boolean }> {
  if (!viewer) throw Unauthenticated();
  const member = await liveMember(app, input.userId);
  assertCan(viewer, "block.member", { kind: "block", userId: member.id });
  await withinRate(app.limiter, `block:${viewer.id}`, blockRate, async () => {
    if (input.intent === "block") await app.db.insert(userBlocks).values({ blockerId: viewer.id, blockedId: member.id }).onConflictDoNothing();
    else await app.db.delete(userBlocks).where(and(eq(userBlocks.blockerId, viewer.id), eq(userBlocks.blockedId, member.id)));
  });
  // At once in the blocker's own open rooms (every tab, every node); the blocked person hears nothing.
  app.realtime.blocksChanged(viewer.id, await blockedIdsOf(app, viewer.id));
  return { displayName: member.displayName, blocked: input.intent === "block" };
}

/** Settings → blocked members: the people I block, by name (deleted accounts are gone by cascade). */
export async function listBlocked(app: AppContext, viewer: Actor) {
  return app.db
    .select({ id: users.id, displayName: users.displayName, since: userBlocks.createdAt })
    .from(userBlocks)
    .innerJoin(users, eq(users.id, userBlocks.blockedId))
    .where(eq(userBlocks.blockerId, viewer.id))
    .orderBy(asc(sql`lower(${users.displayName})`));
}

/** The ids `userId` blocks (collapsing their content for them). One indexed read on the primary key's prefix. */
export async function blockedIdsOf(app: AppContext, userId: string | null | undefined): Promise<string[]> {
  if (!userId) return [];
  const rows = await app.db.select({ id: userBlocks.blockedId }).from(userBlocks).where(eq(userBlocks.blockerId, userId));
  return rows.map((r) => r.id);
}

/** Whether a blocks b and whether b blocks a, in one query. */
export async function blocksBetween(app: AppContext, a: string, b: string): Promise<{ aBlocksB: boolean; bBlocksA: boolean; either: boolean }> {
  const rows = await app.db
    .select({ blockerId: userBlocks.blockerId })
    .from(userBlocks)
    .where(or(and(eq(userBlocks.blockerId, a), eq(userBlocks.blockedId, b)), and(eq(userBlocks.blockerId, b), eq(userBlocks.blockedId, a))));
  const aBlocksB = rows.some((r) => r.blockerId === a);
  const bBlocksA = rows.some((r) => r.blockerId === b);
  return { aBlocksB, bBlocksA, either: aBlocksB || bBlocksA };
}

/** SQL for "the user in `blocker` blocks `blockedId`", for filters inside other queries (mentions, notifications). */
export function blocksSql(blocker: SQL | AnyPgColumn | string, blockedId: SQL | AnyPgColumn | string): SQL<boolean> {
  return sql<boolean>`exists (select 1 from ${userBlocks} ub where ub.blocker_id = ${blocker} and ub.blocked_id = ${blockedId})`;
}

/** Of `ids`, those who block `actorId` (the notification filter: their social notices about the actor are dropped). */
export async function blockersAmong(app: AppContext, actorId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await app.db
    .select({ id: userBlocks.blockerId })
    .from(userBlocks)
    .where(and(eq(userBlocks.blockedId, actorId), inArray(userBlocks.blockerId, [...ids])));
  return new Set(rows.map((r) => r.id));
}
