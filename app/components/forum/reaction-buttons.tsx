import { useFetcher } from "@remix-run/react";

export type ReactionKind = "helpful" | "hug" | "same_here";
const kinds: { kind: ReactionKind; label: string; icon: string }[] = [
  { kind: "helpful", label: "Helpful", icon: "💡" },
  { kind: "hug", label: "Hug", icon: "🤗" },
  { kind: "same_here", label: "Same here", icon: "🤝" },
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
  const fetcher = useFetcher<{ ok: boolean; message: string }>();
  const sending = fetcher.formData?.get("kind") === kind;
  const shownPressed = sending ? !pressed : pressed;
  const shownCount = sending ? count + (pressed ? -1 : 1) : count;
  const base =
    "inline-flex min-h-11 min-w-11 items-center gap-2 rounded-full border-2 px-4 py-1 text-base font-semibold no-underline";
  if (!canReact) {
    return (
      <span className={`${base} border-stone-300 dark:border-stone-600`}>
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
        className={
          `${base} ` +
          (shownPressed
            ? "border-brand-700 bg-brand-700 text-white dark:border-brand-100 dark:bg-brand-100 dark:text-stone-900"
            : "border-stone-500 bg-white text-stone-900 hover:bg-brand-50 dark:bg-stone-800 dark:text-stone-50 dark:hover:bg-stone-700")
        }
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
