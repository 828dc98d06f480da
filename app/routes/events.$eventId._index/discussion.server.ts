import { parseWithZod } from "@conform-to/zod";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess } from "#app/lib/http.server";
import { can, type Actor, type EventTarget } from "#app/policy.server";
import { eventDiscussion, openDiscussion } from "#app/modules/events/discussion.server";
import { OpenDiscussionSchema } from "#app/modules/events/messages.schema";

/** The event page's organizer extras (messages, discussion) and the discussion links, for its loader. */
export async function discussionData(app: AppContext, viewer: Actor | null, e: { id: string; group: { slug: string } | null; target: EventTarget }) {
  const { links, opened } = await eventDiscussion(app, viewer, e);
  return {
    discussion: links,
    organizerExtras: {
      canMessage: can(viewer, "event.message", e.target),
      canOpenDiscussion: can(viewer, "event.openDiscussion", e.target),
      opened,
    },
  };
}

/**
 * The page's "open-discussion" intent: the policy lives in openDiscussion; a forged kind is refused.
 * Tagged `form: "discussion"`, so the RSVP panel leaves the answer to this panel.
 */
export async function openDiscussionAction(app: AppContext, viewer: Actor, eventId: string, form: FormData) {
  const tag = { form: "discussion" as const };
  try {
    const submission = parseWithZod(form, { schema: OpenDiscussionSchema });
    if (submission.status !== "success") throw Invalid("Choose a forum thread or a chat room.");
    const r = await openDiscussion(app, viewer, eventId, submission.value.kind);
    const what = r.kind === "thread" ? "forum thread" : "chat room";
    return actionSuccess(r.created ? `The ${what} is open: everyone who can see it finds the link on this page.` : `This event already has a ${what}.`, tag);
  } catch (e) {
    return actionFailure(e, tag);
  }
}
