import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useRef, useState } from "react";
import { Button } from "#app/components/ui/button";
import { FormErrors } from "#app/components/ui/form-errors";
import { inputClass } from "#app/components/ui/field";
import { Invalid } from "#app/lib/errors";
import { actionFailure, readForm, requireViewer } from "#app/lib/http.server";
import { messageHref, roomHref } from "#app/lib/chat-links";
import { DM_MAX_OTHERS, StartConversationSchema } from "#app/modules/chat/direct.schema";
import { startConversation } from "#app/modules/chat/direct.server";

export const meta: MetaFunction = () => [{ title: "Start a conversation — Messages — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireViewer(context, request);
  return null;
}

/** One field per person (by display name), an optional first message; the conversation opens on success. */
export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const form = await readForm(request);
  const people = form.getAll("people").map(String);
  try {
    const parsed = StartConversationSchema.safeParse({ people, body: form.get("body") ?? undefined });
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? "Check the form.";
      throw Invalid(message);
    }
    const started = await startConversation(context.app, viewer, parsed.data);
    const room = { roomId: started.roomId, groupSlug: null };
    return redirect("seq" in started && started.seq ? messageHref(room, started.seq) : roomHref(room));
  } catch (e) {
    return actionFailure(e, { people, body: String(form.get("body") ?? "") });
  }
}

export default function NewConversation() {
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const initial = result?.people?.length ? result.people : [search.get("to") ?? ""];
  const [count, setCount] = useState(Math.max(1, Math.min(DM_MAX_OTHERS, initial.length)));
  const fields = useRef<(HTMLInputElement | null)[]>([]);
  const error = result && !result.ok ? result.message : null;
  return (
    <div className="max-w-2xl space-y-6">
      <p>
        <Link to="/messages" className="inline-flex min-h-11 items-center">
          ← All conversations
        </Link>
      </p>
      <h1 className="text-3xl">Start a conversation</h1>
      <p id="people-hint">
        Write each person's display name, one per field: up to {DM_MAX_OTHERS} people. Only people who accept direct messages from you can be added.
      </p>
      <Form method="post" className="space-y-5" key={JSON.stringify(result ?? null)}>
        <FormErrors id="new-conversation-errors" errors={error ? [error] : []} />
        <fieldset className="space-y-3" aria-describedby="people-hint">
          <legend className="text-xl font-semibold">People</legend>
          {Array.from({ length: count }, (_, i) => (
            <div key={i} className="space-y-1">
              <label htmlFor={`person-${i}`} className="block font-semibold">
                Person {i + 1}
              </label>
              <input
                id={`person-${i}`}
                ref={(el) => {
                  fields.current[i] = el;
                }}
                name="people"
                type="text"
                autoComplete="off"
                defaultValue={initial[i] ?? ""}
                maxLength={60}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? "new-conversation-errors" : undefined}
                className={inputClass(!!error)}
              />
            </div>
          ))}
          {count < DM_MAX_OTHERS ? (
            <Button
              type="button"
              variant="secondary"
              onClick={() => {
                setCount((n) => n + 1);
                // Focus the new field once it exists.
                requestAnimationFrame(() => fields.current[count]?.focus());
              }}
            >
              Add another person
            </Button>
          ) : (
            <p>That's the most a conversation can hold.</p>
          )}
        </fieldset>
        <div className="space-y-1">
          <label htmlFor="first-message" className="block font-semibold">
            First message (optional)
          </label>
          <textarea id="first-message" name="body" rows={4} defaultValue={result?.body ?? ""} className={inputClass(false)} />
        </div>
        <Button type="submit" disabled={busy}>
          {busy ? "Starting…" : "Start conversation"}
        </Button>
      </Form>
    </div>
  );
}
