import { useFetcher } from "@remix-run/react";
import type { FormEvent } from "react";
import { type ActionResult } from "#app/lib/action-result";

export type ReactionKind = "helpful" | "hug" | "same_here";
/** Each kind's picture, shared with chat's reactions (app/components/chat/reactions.tsx); a thread's chips draw it from CSS (tailwind.css `.reaction-list`), which must match. */
export const reactionIcons: Record<ReactionKind, string> = { helpful: "💡", hug: "🤗", same_here: "🤝" };
const kinds: { kind: ReactionKind; label: string }[] = [
  { kind: "helpful", label: "Helpful" },
  { kind: "hug", label: "Hug" },
  { kind: "same_here", label: "Same here" },
];

/**
 * One toggle button per reaction kind (aria-pressed), with its count; optimistic while sending.
 * One form per post: each button submits its own `kind` (a thread shows 150 of these, so one form
 * and one fetcher per post rather than per button). The form is a plain one, without the absolute
 * `action` a fetcher's form writes out: without JavaScript it posts to this page, which is the
 * thread's action; with it, the fetcher sends the same fields. The pictures come from CSS.
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
    // Styled as the list's items (tailwind.css .reaction-list), with one text node ("Helpful: 2"): short markup.
    if (!canReact) {
      return (
        <li key={k.kind} data-kind={k.kind}>
          {`${k.label}: ${count}`}
        </li>
      );
    }
    const shownPressed = sending === k.kind ? !pressed : pressed;
    const shownCount = sending === k.kind ? count + (pressed ? -1 : 1) : count;
    return (
      <li key={k.kind}>
        {/* A submit button by default (it is in the form); the style follows aria-pressed. */}
        <button name="kind" value={k.kind} aria-pressed={shownPressed}>
          {`${k.label}: ${shownCount}`}
        </button>
      </li>
    );
  });
  if (!canReact) return <ul aria-label="Reactions" className="reaction-list">{chips}</ul>;
  const send = (e: FormEvent<HTMLFormElement>) => {
    const button = (e.nativeEvent as SubmitEvent).submitter;
    if (!(button instanceof HTMLButtonElement)) return;
    e.preventDefault();
    fetcher.submit(button, { method: "post", preventScrollReset: true });
  };
  return (
    <form method="post" onSubmit={send}>
      <input type="hidden" name="intent" value="react" />
      <input type="hidden" name="postId" value={postId} />
      <ul aria-label="Reactions" className="reaction-list">{chips}</ul>
      {fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? (
        <span role="alert" className="ml-2 text-red-800 dark:text-red-300">
          {fetcher.data.message}
        </span>
      ) : null}
    </form>
  );
}
