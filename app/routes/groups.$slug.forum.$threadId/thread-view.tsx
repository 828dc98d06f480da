import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { CrisisPrompt } from "#app/components/moderation/crisis-prompt";
import { Fragment, useEffect, useRef } from "react";
import { PostCard } from "#app/components/forum/post-card";
import { ThreadShortcuts } from "#app/components/shortcuts/thread-shortcuts";
import { FollowLevelForm } from "#app/components/forum/follow-level";
import { HeldPending } from "#app/components/safety/held-pending";
import { ComposeButtons, PreviewPanel } from "#app/components/forum/compose-fields";
import { DraftAutosave } from "#app/components/forum/draft-autosave";
import type { DraftView } from "#app/modules/forums/drafts.schema";
import { confirmMessageOf, PersonalDataCheck } from "#app/components/personal-data-check";
import { formTiming } from "#app/components/ui/field";
import { MARKDOWN_HINT } from "#app/components/ui/markdown-content";
import { MENTION_HINT, MentionTextareaField } from "#app/components/ui/mention-textarea";
import { Badge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { ReplySchema } from "#app/modules/forums/forums.schema";
import type { threadAction as action, threadLoader as loader } from "./thread.server";
import { type ActionResult } from "#app/lib/action-result";

/** Conform names a field `<form id>-<name>`. */
const REPLY_FORM_ID = "reply";
const REPLY_BOX_ID = `${REPLY_FORM_ID}-body`;

type ActionData = NonNullable<ReturnType<typeof useActionData<typeof action>>>;
type ReplyResult = Extract<ActionData, { initialValue?: unknown }>;
type SmallResult = ActionResult;

export function ThreadView() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { group, thread, posts, paging, permissions, now } = data;
  const base = `/groups/${group.slug}/forum/${thread.id}`;
  const small = actionData && "ok" in actionData ? (actionData as SmallResult) : undefined;
  const reply = actionData && !("ok" in actionData) ? (actionData as ReplyResult) : undefined;
  const onNewestPage = paging.newer === null;
  const [searchParams] = useSearchParams();

  return (
    <div className="space-y-6">
      {searchParams.get("help") === "1" ? <CrisisPrompt /> : null}
      <p>
        <Link to={`/groups/${group.slug}/forum`} className="inline-flex min-h-11 items-center">
          ← {group.name} forum
        </Link>
      </p>
      <header className="space-y-3">
        <h1 className="text-3xl">{thread.title}</h1>
        <div className="flex flex-wrap items-center gap-2">
          {thread.pinned ? <Badge tone="brand">Pinned</Badge> : null}
          {thread.locked ? <Badge tone="warning">Locked</Badge> : null}
          {thread.membersOnly ? <Badge>Members only</Badge> : null}
          {thread.removed ? <Badge tone="warning">Removed by a moderator</Badge> : null}
          {thread.hidden && !thread.removed ? <Badge tone="warning">Hidden pending review</Badge> : null}
          <span>
            {thread.replyCount} {thread.replyCount === 1 ? "reply" : "replies"}
          </span>
          {thread.replyCount > 0 && !thread.removed ? (
            <Link to={`${base}?from=latest#newest`} className="inline-flex min-h-11 items-center px-2">
              Jump to the newest reply
            </Link>
          ) : null}
          {data.reading?.firstUnreadHref ? (
            // On this page: a plain #hash (a Link would drop the page's ?after=); otherwise the page that starts at it.
            data.reading.firstUnreadHref.startsWith("#") ? (
              <a href={data.reading.firstUnreadHref} data-first-unread="" className="inline-flex min-h-11 items-center px-2">
                Jump to first unread
              </a>
            ) : (
              <Link to={`${base}${data.reading.firstUnreadHref}`} data-first-unread="" className="inline-flex min-h-11 items-center px-2">
                Jump to first unread
              </Link>
            )
          ) : null}
          {permissions.reply && !thread.removed ? (
            <a href={`#${REPLY_BOX_ID}`} className="inline-flex min-h-11 items-center px-2">
              Jump to the reply box
            </a>
          ) : null}
          <ThreadShortcuts />
        </div>
        {thread.locked ? (
          <p className="rounded-lg border-2 border-amber-700 bg-amber-50 p-3 font-semibold text-amber-950 dark:bg-amber-950 dark:text-amber-50">
            <span aria-hidden="true">🔒 </span>This thread is locked: it takes no new replies.
          </p>
        ) : null}
        {thread.removed ? (
          <p className="rounded-lg border-2 border-amber-700 bg-amber-50 p-3 text-amber-950 dark:bg-amber-950 dark:text-amber-50">
            This thread was removed by a moderator.{thread.removalReason ? ` Reason: ${thread.removalReason}` : ""}
          </p>
        ) : null}
      </header>

      {small?.message ? (small.ok ? <StatusMessage message={small.message} /> : <FormErrors errors={[small.message]} />) : null}

      {permissions.moderate ? <ModeratorTools thread={thread} /> : null}

      {data.reading?.follow && !thread.removed ? <FollowLevelForm scope="thread" level={data.reading.follow.level} /> : null}

      {posts.length > 0 ? (
        <section aria-label="Posts" className="space-y-4">
          {posts.map((p, i) => (
            <Fragment key={p.id}>
              {onNewestPage && i === posts.length - 1 ? <span id="newest" /> : null}
              <PostCard
                post={p}
                author={data.authors[p.author]!}
                now={now}
                moderate={permissions.moderate}
                threadHref={base}
                reportReasons={data.reportReasons}
              />
            </Fragment>
          ))}
        </section>
      ) : null}

      {paging.older || paging.newer ? (
        <nav aria-label="Pages of this thread" className="flex flex-wrap gap-4">
          {paging.older ? (
            <Link to={`${base}?before=${paging.older}`} className="inline-flex min-h-11 items-center">
              ← Older posts
            </Link>
          ) : null}
          {paging.newer ? (
            <>
              <Link to={`${base}?after=${paging.newer}`} className="inline-flex min-h-11 items-center">
                Newer posts →
              </Link>
              <Link to={`${base}?from=latest#newest`} className="inline-flex min-h-11 items-center">
                Jump to the newest reply
              </Link>
            </>
          ) : null}
        </nav>
      ) : null}

      <HeldPending items={data.held.items} thanks={data.held.thanks} />

      {!thread.removed ? (
        <section aria-labelledby="reply-heading" className="space-y-3">
          <h2 id="reply-heading" className="text-2xl">
            Reply
          </h2>
          {permissions.reply ? (
            <ReplyForm lastResult={reply} slug={group.slug} draft={data.replyDraft} />
          ) : (
            <ReplyNotice notice={data.replyNotice} signedIn={data.signedIn} slug={group.slug} returnTo={base} />
          )}
        </section>
      ) : null}
    </div>
  );
}

function ReplyNotice({ notice, signedIn, slug, returnTo }: { notice: string | null; signedIn: boolean; slug: string; returnTo: string }) {
  if (!signedIn) {
    return (
      <p>
        <a href={`/signin?redirectTo=${encodeURIComponent(returnTo)}`} className="inline-flex min-h-11 items-center">
          Sign in to reply
        </a>
      </p>
    );
  }
  return (
    <div className="space-y-2 rounded-lg border-2 border-stone-400 p-3">
      <p className="font-semibold">{notice ?? "You can't reply to this thread."}</p>
      {notice?.includes("Join the group") ? (
        <p>
          <Link to={`/groups/${slug}`} className="inline-flex min-h-11 items-center">Go to the group page to join</Link>
        </p>
      ) : null}
    </div>
  );
}

function ReplyForm({ lastResult, slug, draft }: { lastResult?: ReplyResult; slug: string; draft: { viewerId: string; key: string; server: DraftView | null } | null }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "post";
  const [form, fields] = useForm({
    // A fixed id, so "Jump to the reply box" can name the textarea (REPLY_BOX_ID).
    id: REPLY_FORM_ID,
    lastResult: lastResult ?? null,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReplySchema }),
    ...formTiming,
  });
  // Clear the box only once a reply went through (the action redirected, so no result came back);
  // a failed or previewed submit keeps every word.
  const posting = useRef(false);
  useEffect(() => {
    if (busy) posting.current = true;
    else if (navigation.state === "idle" && posting.current) {
      posting.current = false;
      if (!lastResult) form.reset();
    }
  }, [busy, navigation.state, lastResult, form]);
  const preview = (lastResult as { preview?: string | null } | undefined)?.preview ?? null;
  const confirmMessage = confirmMessageOf(lastResult);
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4" preventScrollReset>
      <FormErrors id={form.errorId} errors={form.errors} />
      <MentionTextareaField label="Your reply" meta={fields.body} hint={`${MARKDOWN_HINT} ${MENTION_HINT}`} rows={6} slug={slug} />
      {confirmMessage ? <PersonalDataCheck message={confirmMessage} textareaId={fields.body.id} answer={lastResult} busy={busy} /> : null}
      {draft ? <DraftAutosave formId={form.id} draftKey={draft.key} userId={draft.viewerId} server={draft.server} bodyName={fields.body.name} /> : null}
      <ComposeButtons busy={busy} submitLabel="Post reply" busyLabel="Posting…" />
      <PreviewPanel html={preview} />
    </Form>
  );
}

function ModeratorTools({ thread }: { thread: { pinned: boolean; locked: boolean; removed: boolean } }) {
  return (
    <section aria-labelledby="mod-tools" className="space-y-3 rounded-xl border-2 border-brand-700 p-4 dark:border-brand-100">
      <h2 id="mod-tools" className="text-xl">
        Moderator tools
      </h2>
      <div className="flex flex-wrap items-start gap-3">
        <ThreadIntentButton intent={thread.pinned ? "unpin" : "pin"} label={thread.pinned ? "Unpin thread" : "Pin thread"} />
        <ThreadIntentButton intent={thread.locked ? "unlock" : "lock"} label={thread.locked ? "Unlock thread" : "Lock thread"} />
        {thread.removed ? <ThreadIntentButton intent="restore-thread" label="Restore thread" /> : <RemoveThreadForm />}
      </div>
    </section>
  );
}

function ThreadIntentButton({ intent, label }: { intent: string; label: string }) {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  return (
    <fetcher.Form method="post" preventScrollReset>
      <input type="hidden" name="intent" value={intent} />
      <Button type="submit" variant="secondary" disabled={busy}>
        {busy ? "Working…" : label}
      </Button>
      <p role="status" className="text-base">
        {fetcher.state === "idle" ? fetcher.data?.message : null}
      </p>
    </fetcher.Form>
  );
}

function RemoveThreadForm() {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  return (
    <details>
      <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg px-3 font-semibold text-brand-800 underline dark:text-brand-100">
        Remove thread…
      </summary>
      <fetcher.Form method="post" className="mt-2 space-y-2" preventScrollReset>
        <input type="hidden" name="intent" value="remove-thread" />
        <label className="flex flex-col gap-1">
          <span className="font-semibold">Reason for removing the thread (the author sees it)</span>
          <input name="reason" required minLength={3} maxLength={500} className="min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg dark:bg-stone-800" />
        </label>
        <Button type="submit" variant="danger" disabled={busy}>
          {busy ? "Removing…" : "Remove thread"}
        </Button>
        <p role="status" className={fetcher.data && !fetcher.data.ok ? "text-red-800 dark:text-red-300" : ""}>
          {fetcher.state === "idle" ? fetcher.data?.message : null}
        </p>
      </fetcher.Form>
    </details>
  );
}
