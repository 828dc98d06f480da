import { Form } from "@remix-run/react";
import { useState } from "react";
import { Badge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { When } from "./when";
import { type ActionResult } from "#app/lib/action-result";

export interface QueueItemView {
  key: string;
  targetType: "thread" | "post" | "chat_message" | "user";
  targetId: string;
  group: { id: string; name: string; slug: string } | null;
  /** Distinct members who reported it (automatic flags are not reporters). */
  reporterCount: number;
  /** Watched words that flagged it automatically. */
  flags?: string[];
  urgent: boolean;
  escalated: boolean;
  reasons: string[];
  details: string[];
  firstReportedAt: string;
  content: {
    authorName: string | null;
    title: string | null;
    body: string;
    removed: { reason: string | null } | null;
    /** Auto-hidden pending review. */
    hidden?: boolean;
    link: string | null;
    context: { id: string; authorName: string; body: string; reported: boolean; removed: boolean }[];
  } | null;
  authorHistory: { action: string; reason: string; createdAt: string; groupName: string | null }[];
}

/** The queue's action result, naming the item it answers. */
export type QueueFeedback = ActionResult<{ key?: string }>;

const kindLabel = { thread: "Thread", post: "Forum post", chat_message: "Chat message", user: "Member profile" } as const;

const decisions = [
  { value: "dismiss", label: "Dismiss: nothing wrong here" },
  { value: "remove", label: "Remove the content (the author is told why)" },
  { value: "warn", label: "Warn the author" },
  { value: "mute", label: "Mute the author in this group" },
  { value: "ban", label: "Ban the author from this group" },
  { value: "escalate", label: "Escalate to site administrators" },
] as const;

const field = "w-full rounded-lg border-2 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50";

export function QueueItem({
  item,
  reasonLabels,
  muteChoices,
  feedback,
  busy,
}: {
  item: QueueItemView;
  reasonLabels: Record<string, string>;
  muteChoices: readonly { minutes: number; label: string }[];
  feedback: QueueFeedback | null;
  busy: boolean;
}) {
  const [decision, setDecision] = useState<string>("");
  const id = item.key.replace(/[^A-Za-z0-9_-]/g, "-");
  const mine = feedback && feedback.key === item.key ? feedback : null;
  const reasonError = mine?.fieldErrors?.reason?.[0];
  const intentError = mine?.fieldErrors?.intent?.[0];
  const minutesError = mine?.fieldErrors?.minutes?.[0];
  const reasonCounts = Object.entries(item.reasons.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {}));
  const c = item.content;
  return (
    <article aria-labelledby={`${id}-title`} className={`space-y-4 rounded-xl border-2 p-4 ${item.urgent ? "border-red-700 dark:border-red-400" : "border-stone-300 dark:border-stone-600"}`} data-testid="queue-item">
      <h2 id={`${id}-title`} className="flex flex-wrap items-center gap-2 text-xl">
        {item.urgent ? <Badge tone="warning">Urgent: possible crisis</Badge> : null}
        {item.escalated ? <Badge tone="brand">Escalated</Badge> : null}
        {c?.hidden && !c.removed ? (
          <Badge tone="warning">
            Hidden automatically ({item.reporterCount} {item.reporterCount === 1 ? "report" : "reports"})
          </Badge>
        ) : null}
        {(item.flags ?? []).map((w) => (
          <Badge key={w} tone="brand">
            Flagged: watched word {`'${w}'`}
          </Badge>
        ))}
        <span>
          {kindLabel[item.targetType]}
          {c?.authorName ? ` by ${c.authorName}` : ""}
          {item.group ? ` in ${item.group.name}` : ""}
        </span>
      </h2>
      <p>
        {item.reporterCount > 0 ? (
          <>
            Reported by <strong>{item.reporterCount}</strong> {item.reporterCount === 1 ? "person" : "people"}, first <When iso={item.firstReportedAt} />.
          </>
        ) : (
          <>
            Flagged automatically <When iso={item.firstReportedAt} />.
          </>
        )}
        Reasons: {reasonCounts.map(([r, n]) => `${reasonLabels[r] ?? r}${n > 1 ? ` (${n})` : ""}`).join("; ")}.
      </p>
      {item.details.length ? (
        <ul aria-label="What reporters wrote" className="list-disc space-y-1 pl-6">
          {item.details.map((d, i) => (
            <li key={i} className="whitespace-pre-wrap">{d}</li>
          ))}
        </ul>
      ) : null}
      {c ? (
        <div className="space-y-2 rounded-lg bg-stone-100 p-3 dark:bg-stone-900">
          {c.title ? <p className="font-semibold">{c.title}</p> : null}
          {c.removed ? (
            <p>
              <Badge tone="neutral">Removed</Badge> {c.removed.reason ? `Reason: ${c.removed.reason}` : null}
            </p>
          ) : null}
          {c.context.length ? (
            <ol aria-label="The conversation around the reported message" className="space-y-1">
              {c.context.map((m) => (
                <li key={m.id} className={m.reported ? "rounded border-2 border-amber-700 p-2" : "p-2"}>
                  <strong>{m.authorName}:</strong> <span className="whitespace-pre-wrap">{m.body}</span>
                  {m.removed ? <span className="text-sm"> (removed)</span> : null}
                  {m.reported ? <span className="sr-only"> (the reported message)</span> : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="whitespace-pre-wrap" data-testid="reported-body">{c.body}</p>
          )}
          {c.link ? (
            <p>
              <a href={c.link} className="inline-flex min-h-11 items-center">
                See it in place
              </a>
            </p>
          ) : null}
        </div>
      ) : (
        <p>The reported content no longer exists.</p>
      )}
      <div>
        <h3 className="text-lg">Previous actions on this author</h3>
        {item.authorHistory.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul className="list-disc pl-6">
            {item.authorHistory.map((h, i) => (
              <li key={i}>
                <When iso={h.createdAt} />: <code>{h.action}</code>
                {h.groupName ? ` in ${h.groupName}` : ""}
                {h.reason ? ` — ${h.reason}` : ""}
              </li>
            ))}
          </ul>
        )}
      </div>
      <Form method="post" className="space-y-3" aria-labelledby={`${id}-decide`}>
        <input type="hidden" name="targetType" value={item.targetType} />
        <input type="hidden" name="targetId" value={item.targetId} />
        <input type="hidden" name="groupId" value={item.group?.id ?? ""} />
        <fieldset className="space-y-1" aria-describedby={intentError ? `${id}-intent-error` : undefined}>
          <legend id={`${id}-decide`} className="text-lg font-semibold">
            Decision
          </legend>
          {decisions
            .filter((d) => !(d.value === "remove" && item.targetType === "user"))
            .map((d) => (
              <label key={d.value} className="flex min-h-11 cursor-pointer items-center gap-3">
                <input type="radio" name="intent" value={d.value} className="h-6 w-6" checked={decision === d.value} onChange={() => setDecision(d.value)} />
                {d.label}
              </label>
            ))}
          <p id={`${id}-intent-error`} className="font-medium text-red-800 dark:text-red-300">{intentError}</p>
        </fieldset>
        <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-minutes`} className="font-semibold">
              Mute for (used only for a mute)
            </label>
            <select id={`${id}-minutes`} name="minutes" className={`${field} min-h-11 border-stone-500`} aria-invalid={minutesError ? true : undefined} aria-describedby={minutesError ? `${id}-minutes-error` : undefined}>
              {muteChoices.map((m) => (
                <option key={m.minutes} value={m.minutes}>
                  {m.label}
                </option>
              ))}
            </select>
            <p id={`${id}-minutes-error`} className="font-medium text-red-800 dark:text-red-300">{minutesError}</p>
          </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-reason`} className="font-semibold">
            Reason {decision === "dismiss" ? "(optional)" : "(the author sees it)"}
          </label>
          <textarea
            id={`${id}-reason`}
            name="reason"
            rows={2}
            maxLength={500}
            className={`${field} ${reasonError ? "border-red-700 dark:border-red-400" : "border-stone-500"}`}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={`${id}-reason-error`}
          />
          <p id={`${id}-reason-error`} className="font-medium text-red-800 dark:text-red-300">{reasonError}</p>
        </div>
        {mine && !mine.ok && !mine.fieldErrors ? (
          <p role="alert" className="font-medium text-red-800 dark:text-red-300">
            {mine.message}
          </p>
        ) : null}
        <Button type="submit" disabled={busy}>
          Apply decision
        </Button>
      </Form>
    </article>
  );
}
