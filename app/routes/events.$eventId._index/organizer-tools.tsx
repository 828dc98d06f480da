import { Form, useActionData, useNavigation } from "@remix-run/react";
import { Button, ButtonLink } from "#app/components/ui/button";
import { FormErrors } from "#app/components/ui/form-errors";

export interface OrganizerExtras {
  canMessage: boolean;
  canOpenDiscussion: boolean;
  opened: { thread: boolean; room: boolean };
}

type DiscussionResult = { ok: boolean; message: string; form?: string } | undefined;

/** Organizers: write to the attendees, and open a forum thread or chat room for them (once each). */
export function OrganizerExtrasPanel({ eventId, extras }: { eventId: string; extras: OrganizerExtras }) {
  const result = useActionData() as DiscussionResult;
  const busy = useNavigation().state === "submitting";
  const told = result?.form === "discussion" ? result : null;
  const canOpen = extras.canOpenDiscussion && (!extras.opened.thread || !extras.opened.room);
  if (!extras.canMessage && !canOpen) return null;
  return (
    <section aria-labelledby="organizer-extras-title" className="space-y-3 rounded-xl border-2 border-dashed border-stone-400 p-5">
      <h2 id="organizer-extras-title" className="text-2xl">
        Talk to attendees
      </h2>
      {extras.canMessage ? (
        <p>
          <ButtonLink to={`/events/${eventId}/message`} variant="secondary">
            Message attendees
          </ButtonLink>
        </p>
      ) : null}
      {told && !told.ok ? <FormErrors errors={[told.message]} /> : null}
      {told?.ok ? (
        <p role="status" className="rounded-lg border-2 border-green-700 bg-green-50 p-4 text-green-900 dark:bg-green-950 dark:text-green-100">
          {told.message}
        </p>
      ) : null}
      {canOpen ? (
        <div className="space-y-2">
          <h3 className="text-xl">Open a discussion</h3>
          <p>For the people coming: a thread in the group's forum, or a chat room in the group. The group's own rules decide who can read it.</p>
          <div className="flex flex-wrap gap-3">
            {!extras.opened.thread ? (
              <Form method="post">
                <input type="hidden" name="intent" value="open-discussion" />
                <input type="hidden" name="kind" value="thread" />
                <Button type="submit" variant="secondary" disabled={busy}>
                  Open a forum thread
                </Button>
              </Form>
            ) : null}
            {!extras.opened.room ? (
              <Form method="post">
                <input type="hidden" name="intent" value="open-discussion" />
                <input type="hidden" name="kind" value="room" />
                <Button type="submit" variant="secondary" disabled={busy}>
                  Open a chat room
                </Button>
              </Form>
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}
