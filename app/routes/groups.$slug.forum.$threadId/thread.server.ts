import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { actionFailure, actionSuccess, formFailure, formInvalid, invalidInput, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import type { AppContext } from "#app/lib/app-context.server";
import { renderMarkdown } from "#app/lib/markdown.server";
import { htmlOnce } from "#app/lib/rendered-once.server";
import { postBodyId, type AuthorView } from "#app/components/forum/post-card";
import { ReplySchema, ThreadActionSchema, ThreadIdSchema } from "#app/modules/forums/forums.schema";
import { deletePost, moderatePost, reportPost, submitReply } from "#app/modules/forums/posts.server";
import { draftKeys, getDraft } from "#app/modules/forums/drafts.server";
import { toggleReaction } from "#app/modules/forums/reactions.server";
import { FollowLevelSchema, followSaved, setThreadLevel } from "#app/modules/forums/follow.server";
import { readThrough } from "#app/modules/forums/reading.server";
import { getThreadPage, moderateThread } from "#app/modules/forums/threads.server";
import { HELD_WITHDRAWN, WithdrawHeldSchema } from "#app/modules/safety/held.schema";
import { ownPending } from "#app/modules/safety/held.server";
import { withdrawHeld } from "#app/modules/safety/publish-held.server";
import { GroupSlugSchema, CursorSchema } from "#app/modules/groups/groups.schema";
import { reportReasonLabels, reportReasons } from "#app/modules/moderation/moderation.schema";
import { z } from "zod";

/*
 * The thread page's loader and action, apart from route.tsx so the view (thread-view.tsx) can take
 * their types without importing the route module that imports it (no route <-> view cycle).
 */

const ThreadParams = z.object({ slug: GroupSlugSchema, threadId: ThreadIdSchema });

export async function threadLoader({ params, request, context }: LoaderFunctionArgs) {
  const { slug, threadId } = requireParams(params, ThreadParams);
  const search = new URL(request.url).searchParams;
  const after = CursorSchema.safeParse(search.get("after") ?? undefined);
  const before = CursorSchema.safeParse(search.get("before") ?? undefined);
  return loaderWork(async () => {
    const page = await getThreadPage(context.app, context.viewer, slug, threadId, {
      after: after.success ? after.data : null,
      before: before.success ? before.data : null,
      latest: search.get("from") === "latest",
    });
    // Independent of each other once the policy has let the viewer read the page: one wait, not three.
    const { viewer } = context;
    const { authors, authorOf } = pageAuthors(page.posts);
    const [reading, pending, draft] = await Promise.all([
      readingState(context.app, viewer?.id ?? null, page),
      ownPending(context.app.db, viewer?.id, { threadId: page.thread.id }),
      viewer && page.permissions.reply ? getDraft(context.app, viewer, draftKeys.reply(threadId)) : null,
    ]);
    return {
      reading,
      now: new Date().toISOString(),
      signedIn: context.viewer !== null,
      // The viewer's own replies here waiting for a moderator (nobody else sees them), and the thanks after one.
      held: {
        thanks: search.get("held") === "1",
        items: pending.map((h) => ({ id: h.id, label: h.label })),
      },
      replyDraft: viewer && page.permissions.reply ? { viewerId: viewer.id, key: draftKeys.reply(threadId), server: draft } : null,
      group: { slug: page.group.slug, name: page.group.name },
      thread: {
        ...page.thread,
        createdAt: page.thread.createdAt.toISOString(),
        lastActivityAt: page.thread.lastActivityAt.toISOString(),
      },
      // A page carries 50 posts and the hydration data is part of every document: each author is
      // sent once, and fields that are null or false for most posts are left out (undefined is not sent).
      authors,
      // Field by field (no rest/spread copies of 50 posts): the author's fields went into `authors`.
      posts: page.posts.map((p, i) => ({
        id: p.id,
        state: p.state,
        reactions: p.reactions,
        mine: p.mine,
        author: authorOf[i]!,
        blocked: p.blocked || undefined,
        isOpening: p.isOpening || undefined,
        hidden: p.hidden || undefined,
        removalReason: p.removalReason ?? undefined,
        // In the markup only, unless this is a data request (app/lib/rendered-once.server.ts).
        hasBody: p.html !== null,
        html: p.html === null ? undefined : (htmlOnce(context, postBodyId(p.id), p.html) ?? undefined),
        createdAt: p.createdAt.toISOString(),
        editedAt: p.editedAt?.toISOString(),
        permissions: granted(p.permissions),
      })),
      paging: page.paging,
      permissions: page.permissions,
      replyNotice: page.replyNotice,
      reportReasons: reportReasons.map((value) => ({ value, label: reportReasonLabels[value] })),
    };
  });
}

/** The flags that are true: a post's permissions, as the page sends them. */
const granted = <K extends string>(flags: Record<K, boolean>) => Object.fromEntries(Object.entries(flags).filter(([, on]) => on)) as Partial<Record<K, true>>;

/**
 * The page's authors once each, and for each post its author's place in that list (name, badge and
 * links are the same on every post by one person). Keyed by what is shown rather than by user id,
 * so the page carries no more ids than its block links already do.
 */
function pageAuthors(posts: Awaited<ReturnType<typeof getThreadPage>>["posts"]) {
  const authors: AuthorView[] = [];
  const seen = new Map<string, number>();
  const authorOf = posts.map((p) => {
    const author: AuthorView = { name: p.authorName, href: p.authorHref ?? undefined, staff: p.authorStaff ?? undefined, blockUserId: p.blockUserId ?? undefined };
    const key = JSON.stringify(author);
    let i = seen.get(key);
    if (i === undefined) seen.set(key, (i = authors.push(author) - 1));
    return i;
  });
  return { authors, authorOf };
}

/**
 * The member's place in the thread (after getThreadPage asked the policy): the first unread post, as
 * it was before this page, and the follow levels, from the statement that marks read up to its last post.
 */
async function readingState(app: AppContext, viewerId: string | null, page: Awaited<ReturnType<typeof getThreadPage>>) {
  const last = page.posts.at(-1);
  if (!viewerId || !last) return null;
  const { unread, follow } = await readThrough(app, viewerId, { id: page.thread.id, groupId: page.group.id }, last.id);
  const onPage = unread ? page.posts.some((p) => p.id === unread.postId) : false;
  return {
    firstUnreadHref: unread ? `${onPage ? "" : `?after=${unread.after}`}#post-${unread.postId}` : null,
    // Not a member: no levels to choose. A thread without its own level follows a muted group.
    follow: follow ? { level: follow.thread ?? (follow.group === "muted" ? "muted" : "normal"), group: follow.group } : null,
  };
}

const done: Record<string, string> = {
  delete: "Your post was deleted.",
  report: "Thank you. The moderators will look at your report.",
  pin: "Thread pinned.",
  unpin: "Thread unpinned.",
  lock: "Thread locked: members can no longer reply.",
  unlock: "Thread unlocked: members can reply again.",
  "remove-thread": "Thread removed. Members no longer see it.",
  "restore-thread": "Thread restored.",
  "remove-post": "Post removed. Members no longer see it.",
  "restore-post": "Post restored.",
  react: "",
};

export async function threadAction({ request, params, context }: ActionFunctionArgs) {
  const { slug, threadId } = requireParams(params, ThreadParams);
  const viewer = requireViewer(context, request);
  const formData = await readForm(request);
  const intent = formData.get("intent");

  if (intent === "follow") {
    const parsed = FollowLevelSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return actionFailure(invalidInput(parsed.error, "Choose watching, normal or muted."));
    try {
      const { level } = await setThreadLevel(context.app, viewer, slug, threadId, parsed.data.level);
      return actionSuccess(followSaved[level]);
    } catch (e) {
      return actionFailure(e);
    }
  }

  // The reply form: Preview or Post, errors back into the form, the draft never lost.
  if (intent === "preview" || intent === "post") {
    const submission = parseWithZod(formData, { schema: ReplySchema });
    if (submission.status !== "success") return formInvalid(submission, { preview: null });
    if (submission.value.intent === "preview") {
      return json({ ...submission.reply(), preview: renderMarkdown(submission.value.body) });
    }
    try {
      const replied = await submitReply(context.app, viewer, slug, threadId, { body: submission.value.body, confirmedPersonal: submission.value.confirmPersonal });
      // Held for a moderator: the thread page thanks the author and lists their waiting replies.
      if (replied.held) return redirect(`/groups/${slug}/forum/${threadId}?from=latest&held=1#held`);
      const { postId, crisisPrompt } = replied;
      return redirect(`/groups/${slug}/forum/${threadId}?from=latest${crisisPrompt ? "&help=1" : ""}#post-${postId}`);
    } catch (e) {
      return formFailure(submission, e);
    }
  }

  if (intent === "withdraw-held") {
    const held = WithdrawHeldSchema.safeParse(Object.fromEntries(formData));
    if (!held.success) return actionFailure(invalidInput(held.error, "That request was not understood. Please reload the page and try again."));
    try {
      await getThreadPage(context.app, viewer, slug, threadId, { pageSize: 1 });
      await withdrawHeld(context.app, viewer, held.data.heldId);
      return actionSuccess(HELD_WITHDRAWN);
    } catch (e) {
      return actionFailure(e);
    }
  }

  const parsed = ThreadActionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return actionFailure(invalidInput(parsed.error, "That request was not understood. Please reload the page and try again."));
  const input = parsed.data;
  const { app } = context;
  try {
    switch (input.intent) {
      case "react": {
        const r = await toggleReaction(app, viewer, slug, threadId, input.postId, input.kind);
        return actionSuccess("", { reaction: r });
      }
      case "delete":
        await deletePost(app, viewer, slug, threadId, input.postId);
        break;
      case "report":
        await reportPost(app, viewer, slug, threadId, input.postId, { reason: input.reason, details: input.details });
        break;
      case "pin":
      case "unpin":
      case "lock":
      case "unlock":
        await moderateThread(app, viewer, slug, threadId, input.intent);
        break;
      case "remove-thread":
        await moderateThread(app, viewer, slug, threadId, "remove", input.reason);
        break;
      case "restore-thread":
        await moderateThread(app, viewer, slug, threadId, "restore");
        break;
      case "remove-post":
        await moderatePost(app, viewer, slug, threadId, input.postId, "remove", input.reason);
        break;
      case "restore-post":
        await moderatePost(app, viewer, slug, threadId, input.postId, "restore");
        break;
    }
    return actionSuccess(done[input.intent] ?? "Done.");
  } catch (e) {
    return actionFailure(e);
  }
}
