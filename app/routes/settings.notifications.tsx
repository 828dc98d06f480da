import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { Button } from "#app/components/ui/button";
import { CheckboxField } from "#app/components/ui/checkbox-field";
import { FieldShell, formTiming, hasErrors, inputClass } from "#app/components/ui/field";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { NotificationSettingsFormSchema } from "#app/modules/notifications/settings.schema";
import { notificationSettingsOf, saveNotificationSettings } from "#app/modules/notifications/settings.server";
import { CHANNEL_LABELS, CHANNELS, NOTIFICATION_TYPE_INFO } from "#app/modules/notifications/types";

/** Settings → notifications: per type how it reaches the member, quiet hours, time zone, digest hour, private-group text. */

export const meta: MetaFunction = () => [{ title: "Notifications — Settings — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const mine = await notificationSettingsOf(context.app, viewer);
    // The server's list, so the page renders the same options on the server and in the browser.
    const zones = Intl.supportedValuesOf("timeZone");
    return { ...mine, zones: zones.includes(mine.settings.timeZone) ? zones : [mine.settings.timeZone, ...zones] };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: NotificationSettingsFormSchema });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    await saveNotificationSettings(context.app, viewer, submission.value);
    return json({ ...submission.reply(), saved: "Saved. Hearth will notify you this way from now on." });
  } catch (e) {
    return formFailure(submission, e);
  }
}

const HOURS = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, "0")}:00`);

export default function NotificationSettingsPage() {
  const { settings, types, zones, timeZoneChosen } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    defaultValue: {
      channels: settings.channels,
      quietHours: settings.quietHours ? "on" : undefined,
      quietFrom: settings.quietHours?.from ?? "22:00",
      quietTo: settings.quietHours?.to ?? "07:00",
      timeZone: settings.timeZone,
      digestHour: String(settings.digestHour),
      hidePrivateText: settings.hidePrivateText ? "on" : undefined,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NotificationSettingsFormSchema }),
    ...formTiming,
  });
  const channels = fields.channels.getFieldset();
  const saved = lastResult && "saved" in lastResult && typeof lastResult.saved === "string" ? lastResult.saved : null;
  const zoneSelect = useRef<HTMLSelectElement>(null);
  // Never chosen: offer the browser's own zone (the server's value wins once saved). Without
  // JavaScript the select simply shows UTC.
  useEffect(() => {
    if (timeZoneChosen || !zoneSelect.current) return;
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zones.includes(own)) zoneSelect.current.value = own;
  }, [timeZoneChosen, zones]);
  const { key: zoneKey, ...zoneProps } = getSelectProps(fields.timeZone, { ariaDescribedBy: fields.timeZone.descriptionId });
  const { key: hourKey, ...hourProps } = getSelectProps(fields.digestHour, { ariaDescribedBy: fields.digestHour.descriptionId });
  const { key: fromKey, ...fromProps } = getInputProps(fields.quietFrom, { type: "time" });
  const { key: toKey, ...toProps } = getInputProps(fields.quietTo, { type: "time" });
  const channelErrors = fields.channels.errors?.filter(Boolean) ?? [];
  return (
    <section aria-labelledby="notifications-title" className="max-w-2xl space-y-6">
      <h2 id="notifications-title" className="text-2xl">
        Notifications
      </h2>
      <p>Choose how Hearth tells you about each kind of news. Everything also shows on your notifications page unless you turn it off.</p>
      <StatusMessage message={saved} />
      <Form method="post" {...getFormProps(form)} className="space-y-8">
        <FormErrors id={form.errorId} errors={[...(form.errors ?? []), ...channelErrors]} />
        {types.map((type) => {
          const field = channels[type];
          const errors = field.errors?.filter(Boolean) ?? [];
          const info = NOTIFICATION_TYPE_INFO[type];
          return (
            <fieldset key={type} className="space-y-1" aria-describedby={`${field.descriptionId}${errors.length ? ` ${field.errorId}` : ""}`}>
              <legend className="text-xl font-semibold">{info.label}</legend>
              <p id={field.descriptionId} className="text-base text-stone-700 dark:text-stone-300">
                {info.hint}
              </p>
              {CHANNELS.map((c) => (
                <label key={c} className="flex min-h-11 cursor-pointer items-center gap-3">
                  <input type="radio" name={field.name} value={c} defaultChecked={field.initialValue === c} className="h-6 w-6 shrink-0" />
                  {CHANNEL_LABELS[c]}
                </label>
              ))}
              <p id={field.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
                {errors.length ? errors.join(" ") : null}
              </p>
            </fieldset>
          );
        })}
        <fieldset className="space-y-3">
          <legend className="text-xl font-semibold">Quiet hours</legend>
          <CheckboxField meta={fields.quietHours} label="Hold e-mail during quiet hours" hint="E-mail that would arrive in these hours waits until they end. Urgent reports to moderators still arrive at once." />
          <div className="flex flex-wrap gap-4">
            <FieldShell label="From" meta={fields.quietFrom}>
              <input key={fromKey} {...fromProps} className={`${inputClass(hasErrors(fields.quietFrom))} w-40`} />
            </FieldShell>
            <FieldShell label="Until" meta={fields.quietTo}>
              <input key={toKey} {...toProps} className={`${inputClass(hasErrors(fields.quietTo))} w-40`} />
            </FieldShell>
          </div>
        </fieldset>
        <FieldShell label="Your time zone" meta={fields.timeZone} hint="Quiet hours and the digest hour are in this time zone.">
          <select key={zoneKey} {...zoneProps} ref={zoneSelect} className={inputClass(hasErrors(fields.timeZone))}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </FieldShell>
        <FieldShell label="Daily digest time" meta={fields.digestHour} hint="The digest comes once a day at this time, only when there is something in it.">
          <select key={hourKey} {...hourProps} className={inputClass(hasErrors(fields.digestHour))}>
            {HOURS.map((label, h) => (
              <option key={label} value={String(h)}>
                {label}
              </option>
            ))}
          </select>
        </FieldShell>
        <CheckboxField
          meta={fields.hidePrivateText}
          label="Leave post text out of e-mails about private groups"
          hint="The e-mail then says only “New reply in a private group: open Hearth to read it.”"
        />
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save notification settings"}
        </Button>
      </Form>
    </section>
  );
}
