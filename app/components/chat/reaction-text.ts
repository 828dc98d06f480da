import { countOf } from "#app/lib/plural";

/**
 * What a reaction button shows and what a screen reader reads with it (pure: unit-tested in
 * tests/unit/chat-reactions.test.ts).
 */

/** Who gave it, after the kind's name: "3 people", "you and 2 others", "you", "no one yet". */
export function reactionWho(count: number, mine: boolean): string {
  if (count <= 0) return "no one yet";
  if (!mine) return countOf(count, "person", "people");
  if (count === 1) return "you";
  return `you and ${countOf(count - 1, "other")}`;
}

/**
 * The button's state while the reader's own change is on its way (`wanted`, or null when nothing
 * is): shown at once, and the server's state again when the change is refused.
 */
export function shownReaction(server: { count: number; mine: boolean }, wanted: boolean | null): { count: number; mine: boolean } {
  if (wanted === null || wanted === server.mine) return server;
  return { count: Math.max(0, server.count + (wanted ? 1 : -1)), mine: wanted };
}
