import { Unauthenticated } from "#app/lib/errors";
import type { Actor } from "#app/policy.server";

/** Private helpers shared by the moderation files (queue, decisions, notices, appeals, suspension, audit log). */

export const SITE = { kind: "site" } as const;

export function requireActor(viewer: Actor | null): Actor {
  if (!viewer) throw Unauthenticated();
  return viewer;
}

export type TargetType = "thread" | "post" | "chat_message" | "user";
