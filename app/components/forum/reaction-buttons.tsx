import { useFetcher } from "@remix-run/react";
import { type ActionResult } from "#app/lib/action-result";

export type ReactionKind = "helpful" | "hug" | "same_here";
/** Each kind's picture, shared with chat's reactions (app/components/chat/reactions.tsx). */
export const reactionIcons: Record<ReactionKind, string> = { helpful: "💡", hug: "🤗", same_here: "🤝" };
const kinds: { kind: ReactionKind; label: string; icon: string }[] = [
  { kind: "helpful", label: "Helpful", icon: reactionIcons.helpful },
  { kind: "hug", label: "Hug", icon: reactionIcons.hug },
  { kind: "same_here", label: "Same here", icon: reactionIcons.same_here },
];

/**
 * One toggle button per reaction kind (aria-pressed), with its count; optimistic while sending.
 * One form per post: each button submits its own `kind` (a thread shows 150 of these, so one form
 * and one fetcher per post rather than per button).
 */
export function ReactionButtons({
  postId,
  counts,
  mine,
  canReact,
}: {
  postId: string;
  counts: Record<ReactionKind, number>;
  mine: ReactionKind[];
  canReact: boolean;
}) {
  const fetcher = useFetcher<ActionResult>();
  const sending = fetcher.formData?.get("kind");
  const chips = kinds.map((k) => {
    const pressed = mine.includes(k.kind);
    const count = counts[k.kind];
    // Component classes in tailwind.css and one text node ("Helpful: 2") keep the markup short.
    if (!canReact) {
      return (
        <li key={k.kind} className="reaction-chip reaction-chip-static">
          <span aria-hidden="true">{k.icon}</span>
          {` ${k.label}: ${count}`}
        </li>
      );
    }
    const shownPressed = sending === k.kind ? !pressed : pressed;
    const shownCount = sending === k.kind ? count + (pressed ? -1 : 1) : count;
    return (
      <li key={k.kind}>
        {/* A submit button by default (it is in the form); the style follows aria-pressed. */}
        <button name="kind" value={k.kind} aria-pressed={shownPressed} className="reaction-chip">
          <span aria-hidden="true">{k.icon}</span>
          {` ${k.label}: ${shownCount}`}
        </button>
      </li>
    );
  });
  if (!canReact) return <ul aria-label="Reactions" className="reaction-list">{chips}</ul>;
  return (
    <fetcher.Form method="post" preventScrollReset>
      <input type="hidden" name="intent" value="react" />
      <input type="hidden" name="postId" value={postId} />
      <ul aria-label="Reactions" className="reaction-list">{chips}</ul>
      {fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? (
        <span role="alert" className="ml-2 text-red-800 dark:text-red-300">
          {fetcher.data.message}
        </span>
      ) : null}
    </fetcher.Form>
  );
}
