import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { Button } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { fieldError } from "#app/lib/action-result";
import { actionFailure, actionSuccess, readForm, requireViewer } from "#app/lib/http.server";
import { savePreferences, saveShortcuts } from "#app/modules/accounts/preferences.server";
import { SHORTCUT_ACTIONS, SHORTCUT_INFO, shortcutSettings } from "#app/lib/shortcuts";

export const meta: MetaFunction = () => [{ title: "Accessibility — Settings — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  return { preferences: requireViewer(context, request).preferences };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const input = Object.fromEntries(await readForm(request));
  // Two forms on the page: `form` tells their results apart.
  const form = input.intent === "shortcuts" ? "shortcuts" : "display";
  try {
    if (form === "shortcuts") await saveShortcuts(context.app, viewer, input);
    else await savePreferences(context.app, viewer, input);
    // The root loader revalidates after this, so the page takes the new settings at once.
    return actionSuccess("Saved. Your settings apply on every device you sign in on.", { form });
  } catch (e) {
    return actionFailure(e, { form });
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

/** WCAG 2.1.4: single-key shortcuts can be turned off, or each remapped to another key. */
function ShortcutsForm({ stored }: { stored: unknown }) {
  const data = useActionData<typeof action>();
  const result = data?.form === "shortcuts" ? data : undefined;
  const busy = useNavigation().formData?.get("intent") === "shortcuts";
  const settings = shortcutSettings(stored);
  return (
    <section aria-labelledby="shortcuts-title" className="space-y-4">
      <h3 id="shortcuts-title" className="text-xl font-semibold">
        Keyboard shortcuts
      </h3>
      <p>On a forum thread, single keys move between posts, open the reply box and more. Turn them off if you use speech input or they get in your way, or choose other keys.</p>
      {result?.ok ? <StatusMessage message={result.message} /> : <FormErrors errors={result ? [result.message] : []} />}
      <Form method="post" className="space-y-4" key={JSON.stringify(settings)}>
        <input type="hidden" name="intent" value="shortcuts" />
        <label className="flex min-h-11 items-center gap-3">
          <input type="checkbox" name="enabled" defaultChecked={settings.enabled} className="h-6 w-6 shrink-0" />
          Use single-key shortcuts
        </label>
        {SHORTCUT_ACTIONS.map((a) => {
          const error = fieldError(result, a);
          return (
            <div key={a} className="flex flex-col gap-1">
              <label htmlFor={`shortcut-${a}`} className="font-semibold">
                Key for “{SHORTCUT_INFO[a].label}”
              </label>
              <input
                id={`shortcut-${a}`}
                name={a}
                defaultValue={settings.keys[a]}
                maxLength={2}
                autoComplete="off"
                aria-invalid={error ? true : undefined}
                aria-describedby={`shortcut-${a}-error`}
                className="min-h-11 w-20 rounded-lg border-2 border-stone-500 bg-white px-3 text-lg dark:bg-stone-800"
              />
              <p id={`shortcut-${a}-error`} className="font-medium text-red-800 dark:text-red-300">
                {error}
              </p>
            </div>
          );
        })}
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save keyboard shortcuts"}
        </Button>
      </Form>
    </section>
  );
}

export default function AccessibilitySettings() {
  const { preferences } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const result = data?.form === "shortcuts" ? undefined : data;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") !== "shortcuts";
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
      <ShortcutsForm stored={preferences.shortcuts} />
    </section>
  );
}
