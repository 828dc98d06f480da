import { Form } from "@remix-run/react";
import { useId } from "react";
import { Button } from "#app/components/ui/button";
import { chatSearchHref } from "#app/lib/chat-links";

/**
 * The chat search box: a plain GET form to the group's chat search, so it works before hydration
 * and with the keyboard alone. In a room it searches that room (a hidden field); on the search page
 * a choice of room replaces it.
 */
export function ChatSearchForm({
  slug,
  q = "",
  room,
  rooms,
  compact = false,
}: {
  slug: string;
  q?: string;
  /** Search this room only (the room page). */
  room?: { id: string; name: string } | null;
  /** Offer a choice of room (the search page): "" is every room. */
  rooms?: { id: string; name: string; archived: boolean }[];
  compact?: boolean;
}) {
  const id = useId();
  const label = room && !rooms ? `Search ${room.name}` : rooms ? "Search for" : "Search all rooms";
  return (
    <Form method="get" action={chatSearchHref(slug)} role="search" aria-label={room && !rooms ? `Messages in ${room.name}` : "Chat messages"} className="flex flex-wrap items-end gap-2">
      {room && !rooms ? <input type="hidden" name="room" value={room.id} /> : null}
      <div className="flex w-full min-w-0 flex-col gap-1 sm:w-auto">
        <label htmlFor={`${id}-q`} className="font-semibold">
          {label}
        </label>
        <input
          id={`${id}-q`}
          type="search"
          name="q"
          defaultValue={q}
          maxLength={200}
          aria-describedby={compact ? undefined : `${id}-hint`}
          className={`min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50 ${compact ? "sm:w-64" : "sm:w-96"}`}
        />
      </div>
      {rooms ? (
        <div className="flex w-full min-w-0 flex-col gap-1 sm:w-auto">
          <label htmlFor={`${id}-room`} className="font-semibold">
            In
          </label>
          <select
            id={`${id}-room`}
            name="room"
            defaultValue={room?.id ?? ""}
            className="min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 sm:w-auto dark:bg-stone-800 dark:text-stone-50"
          >
            <option value="">Every room</option>
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {r.archived ? `${r.name} (archived)` : r.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <Button type="submit" variant={compact ? "secondary" : "primary"}>
        Search
      </Button>
      {compact ? null : (
        <p id={`${id}-hint`} className="w-full text-sm text-stone-700 dark:text-stone-300">
          Finds words in any form (&quot;walking&quot; finds &quot;walked&quot;). Use &quot;quotes&quot; for a phrase and a minus sign to leave a word out.
        </p>
      )}
    </Form>
  );
}
