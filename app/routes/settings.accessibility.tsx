import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { fieldError } from "#app/lib/action-result";
import { actionFailure, actionSuccess, readForm, requireViewer } from "#app/lib/http.server";
import { savePreferences } from "#app/modules/accounts/preferences.server";

export const meta: MetaFunction = () => [{ title: "Accessibility — Settings — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  return { preferences: requireViewer(context, request).preferences };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  try {
    await savePreferences(context.app, viewer, Object.fromEntries(await readForm(request)));
    // The root loader revalidates after this, so the page takes the new settings at once.
    return actionSuccess("Saved. Your settings apply on every device you sign in on.");
  } catch (e) {
    return actionFailure(e);
  }
}

const TEXT_SIZES = [
  { value: "100", label: "Standard (100 %)" },
  { value: "125", label: "Large (125 %)" },
  { value: "150", label: "Largest (150 %)" },
];
const THEMES = [
  { value: "system", label: "As my device is set (light or dark)" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
  { value: "contrast", label: "High contrast (black on white, underlined links)" },
];
const CHAT_SEND = [
  { value: "enter", label: "Enter sends, Shift+Enter starts a new line" },
  { value: "ctrl-enter", label: "Ctrl+Enter sends, Enter starts a new line" },
];

function Choices({ legend, name, options, value, error, hint }: { legend: string; name: string; options: { value: string; label: string }[]; value: string; error?: string; hint?: ReactNode }) {
  return (
    <fieldset className="space-y-1" aria-describedby={error ? `${name}-error` : undefined}>
      <legend className="text-xl font-semibold">{legend}</legend>
      {hint ? <p className="text-base">{hint}</p> : null}
      {options.map((o) => (
        <label key={o.value} className="flex min-h-11 items-center gap-3">
          <input type="radio" name={name} value={o.value} defaultChecked={value === o.value} className="h-6 w-6 shrink-0" />
          {o.label}
        </label>
      ))}
      <p id={`${name}-error`} className="font-medium text-red-800 dark:text-red-300">
        {error}
      </p>
    </fieldset>
  );
}

export default function AccessibilitySettings() {
  const { preferences } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="accessibility-title" className="max-w-2xl space-y-6">
      <h2 id="accessibility-title" className="text-2xl">
        Accessibility
      </h2>
      <p>These settings are kept with your account, so every phone and computer you sign in on uses them.</p>
      {result?.ok ? <StatusMessage message={result.message} /> : <FormErrors errors={result ? [result.message] : []} />}
      {/* Keyed by the saved values, so after saving the form shows what is stored. */}
      <Form method="post" className="space-y-6" key={JSON.stringify(preferences)}>
        <Choices legend="Text size" name="textSize" options={TEXT_SIZES} value={String(preferences.textSize)} error={fieldError(result, "textSize")} />
        <Choices legend="Theme" name="theme" options={THEMES} value={preferences.theme} error={fieldError(result, "theme")} />
        <fieldset className="space-y-1">
          <legend className="text-xl font-semibold">Motion</legend>
          <label className="flex min-h-11 items-center gap-3">
            <input type="checkbox" name="reduceMotion" defaultChecked={preferences.reduceMotion} className="h-6 w-6 shrink-0" />
            Reduce motion (no animations, no smooth scrolling)
          </label>
          <p id="reduceMotion-error" className="font-medium text-red-800 dark:text-red-300">
            {fieldError(result, "reduceMotion")}
          </p>
        </fieldset>
        <Choices legend="Sending chat messages" name="chatSend" options={CHAT_SEND} value={preferences.chatSend} error={fieldError(result, "chatSend")} />
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save accessibility settings"}
        </Button>
      </Form>
    </section>
  );
}
