import { Link, useFetcher } from "@remix-run/react";
import { forgetLocalDraft } from "#app/components/forum/draft-autosave";
import type { ActionResult } from "#app/lib/action-result";

export interface HomeDraft {
  key: string;
  label: string;
  where: string;
  updatedAt: string;
  href: string;
}

const controlClass = "inline-flex min-h-11 min-w-11 items-center rounded-lg px-2 font-semibold underline underline-offset-2";

/** The list of "Your drafts" on the home page (its section shows only when there are some): each with Resume and Discard. */
export function HomeDrafts({ drafts }: { drafts: HomeDraft[] }) {
  return (
    <ul className="space-y-3">
      {drafts.map((d) => (
        <DraftItem key={d.key} draft={d} />
      ))}
    </ul>
  );
}

function DraftItem({ draft }: { draft: HomeDraft }) {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  const labelId = `draft-${draft.key.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  return (
    <li className="space-y-1" aria-labelledby={labelId}>
      <p id={labelId} className="font-semibold">
        {draft.label}
      </p>
      <p className="text-base text-stone-700 dark:text-stone-300">
        {draft.where} · saved <time dateTime={draft.updatedAt}>{draft.updatedAt.slice(0, 16).replace("T", " ")} UTC</time>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <Link to={draft.href} className={controlClass} aria-describedby={labelId}>
          Resume
        </Link>
        <fetcher.Form method="post" action="/drafts" onSubmit={() => forgetLocalDraft(draft.key)}>
          <input type="hidden" name="intent" value="discard" />
          <input type="hidden" name="key" value={draft.key} />
          <button type="submit" className={controlClass} aria-describedby={labelId} disabled={busy}>
            {busy ? "Discarding…" : "Discard"}
          </button>
        </fetcher.Form>
      </div>
      {fetcher.data && !fetcher.data.ok ? <p role="alert">{fetcher.data.message}</p> : null}
    </li>
  );
}
