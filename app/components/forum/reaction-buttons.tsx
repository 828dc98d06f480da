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

/** One toggle button per reaction kind (aria-pressed), with its count; optimistic while sending. */
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
  return (
    <ul aria-label="Reactions" className="flex flex-wrap gap-2">
      {kinds.map((k) => (
        <li key={k.kind}>
          <ReactionButton postId={postId} {...k} count={counts[k.kind]} pressed={mine.includes(k.kind)} canReact={canReact} />
        </li>
      ))}
    </ul>
  );
}

function ReactionButton({
  postId,
  kind,
  label,
  icon,
  count,
  pressed,
  canReact,
}: {
  postId: string;
  kind: ReactionKind;
  label: string;
  icon: string;
  count: number;
  pressed: boolean;
  canReact: boolean;
}) {
  const fetcher = useFetcher<ActionResult>();
  const sending = fetcher.formData?.get("kind") === kind;
  const shownPressed = sending ? !pressed : pressed;
  const shownCount = sending ? count + (pressed ? -1 : 1) : count;
  // Component classes in tailwind.css: a thread shows 150 of these, so their markup is kept short.
  if (!canReact) {
    return (
      <span className="reaction-chip reaction-chip-static">
        <span aria-hidden="true">{icon}</span> {label} <span className="sr-only">:</span> {count}
      </span>
    );
  }
  return (
    <fetcher.Form method="post" preventScrollReset>
      <input type="hidden" name="intent" value="react" />
      <input type="hidden" name="postId" value={postId} />
      <input type="hidden" name="kind" value={kind} />
      <button
        type="submit"
        aria-pressed={shownPressed}
        className={shownPressed ? "reaction-chip reaction-chip-on" : "reaction-chip reaction-chip-off"}
      >
        <span aria-hidden="true">{icon}</span> {label} <span className="sr-only">:</span> {shownCount}
      </button>
      {fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? (
        <span role="alert" className="ml-2 text-red-800 dark:text-red-300">
          {fetcher.data.message}
        </span>
      ) : null}
    </fetcher.Form>
  );
}
