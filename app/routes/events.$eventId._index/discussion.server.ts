import { parseWithZod } from "@conform-to/zod";
import { json } from "@remix-run/node";
import type { AppContext } from "#app/lib/app-context.server";
import { isDomainError } from "#app/lib/errors";
import { errorReply } from "#app/lib/http.server";
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
 * The page's "open-discussion" intent: the policy lives in openDiscussion; a forged kind is a 400.
 * Answered under its own key, so the RSVP panel (which shows the page's `message`) stays quiet.
 */
export async function openDiscussionAction(app: AppContext, viewer: Actor, eventId: string, form: FormData) {
  const submission = parseWithZod(form, { schema: OpenDiscussionSchema });
  if (submission.status !== "success") return json({ discussion: { ok: false, message: "Choose a forum thread or a chat room." } }, { status: 400 });
  try {
    const r = await openDiscussion(app, viewer, eventId, submission.value.kind);
    const what = r.kind === "thread" ? "forum thread" : "chat room";
    return json({ discussion: { ok: true, message: r.created ? `The ${what} is open: everyone who can see it finds the link on this page.` : `This event already has a ${what}.` } });
  } catch (e) {
    if (!isDomainError(e)) throw e;
    const r = errorReply(e);
    return json({ discussion: { ok: false, message: r.message } }, { status: r.status, headers: r.headers });
  }
}
