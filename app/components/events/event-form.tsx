import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata, type FormMetadata } from "@conform-to/react";
import { useEffect, useRef } from "react";
import { GroupField, OrganizationField } from "#app/components/organizations/staff-fields";
import { FieldShell, inputClass } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { MARKDOWN_HINT } from "#app/components/ui/markdown-content";
import { groupTimeZones, runtimeTimeZone } from "#app/lib/time";



export interface OrganizerChoice {
  id: string;
  name: string;
  groups: { id: string; name: string; private: boolean }[];
}

type EventFieldName =
  | "organizationId"
  | "groupId"
  | "title"
  | "description"
  | "timeZone"
  | "startsAt"
  | "endsAt"
  | "format"
  | "location"
  | "onlineUrl"
  | "capacity"
  | "registrationDeadline";
// The form's schema output (Dates, numbers) differs from its field values (strings); Conform's
// metadata types are invariant in it, so the fields are taken untyped here and rendered as strings.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Meta = FieldMetadata<any, any, string[]>;


/**
 * The event form's fields (create and edit). `zones` comes from the server so the option list is
 * identical on both sides; a new event defaults to the browser's own zone after hydration.
 */
export function EventFormFields({
  form,
  fields,
  organizers,
  zones,
  defaultToBrowserZone,
  organizationLocked,
}: {
  form: Pick<FormMetadata, "errorId" | "errors">;
  fields: Record<EventFieldName, Meta>;
  organizers: OrganizerChoice[];
  zones: string[];
  defaultToBrowserZone: boolean;
  organizationLocked: boolean;
}) {
  const zoneRef = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    const select = zoneRef.current;
    if (!defaultToBrowserZone || !select) return;
    const mine = runtimeTimeZone();
    if (zones.includes(mine)) select.value = mine;
  }, [defaultToBrowserZone, zones]);
  const described = (meta: Meta, hint: boolean) => ({ ariaDescribedBy: hint ? meta.descriptionId : undefined });
  const formatValue = String(fields.format.initialValue ?? "online");
  const formatErrors = fields.format.errors?.filter(Boolean) ?? [];
  const { key: _zoneKey, ...zoneProps } = getSelectProps(fields.timeZone, described(fields.timeZone, true));
  const { key: _descKey, ...descProps } = getTextareaProps(fields.description, described(fields.description, true));
  const input = (meta: Meta, type: "text" | "url" | "number" | "datetime-local", hint: boolean) => {
    const { key: _key, ...props } = getInputProps(meta, { type, ...described(meta, hint) });
    return <input {...props} className={inputClass(!!meta.errors?.length)} />;
  };
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <OrganizationField meta={fields.organizationId} choices={organizers} locked={organizationLocked} />
      <GroupField meta={fields.groupId} choices={organizers} noneLabel="No group: the whole organization" />
      <FieldShell label="Title" meta={fields.title}>
        {input(fields.title, "text", false)}
      </FieldShell>
      <FieldShell label="Description (optional)" meta={fields.description} hint={MARKDOWN_HINT}>
        <textarea {...descProps} rows={6} className={inputClass(!!fields.description.errors?.length)} />
      </FieldShell>
      <FieldShell label="Time zone" meta={fields.timeZone} hint="The start and end below are in this zone; type a city (for example Kyiv) to find it. People see the event in their own time too.">
        {/* Grouped by region and labelled by place, so typing "Kyiv" or "Kathmandu" in the list finds it. */}
        <select {...zoneProps} ref={zoneRef} className={inputClass(!!fields.timeZone.errors?.length)}>
          {groupTimeZones(zones).map(({ region, zones: choices }) => {
            const options = choices.map((z) => (
              <option key={z.id} value={z.id}>
                {z.label}
              </option>
            ));
            return region ? (
              <optgroup key={region} label={region}>
                {options}
              </optgroup>
            ) : (
              options
            );
          })}
        </select>
      </FieldShell>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <FieldShell label="Starts" meta={fields.startsAt}>
          {input(fields.startsAt, "datetime-local", false)}
        </FieldShell>
        <FieldShell label="Ends" meta={fields.endsAt}>
          {input(fields.endsAt, "datetime-local", false)}
        </FieldShell>
      </div>
      <fieldset className="flex flex-col gap-2" aria-describedby={fields.format.errorId}>
        <legend className="text-base font-semibold">Format</legend>
        {(
          [
            ["online", "Online"],
            ["in_person", "In person"],
            ["hybrid", "Hybrid (in person and online)"],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="inline-flex min-h-11 w-fit cursor-pointer items-center gap-3 text-lg">
            <input type="radio" name={fields.format.name} value={value} defaultChecked={formatValue === value} className="h-6 w-6" />
            {label}
          </label>
        ))}
        <p id={fields.format.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
          {formatErrors.length ? formatErrors.join(" ") : null}
        </p>
      </fieldset>
      <FieldShell label="Address (in person and hybrid)" meta={fields.location}>
        {input(fields.location, "text", false)}
      </FieldShell>
      <FieldShell label="Online link (online and hybrid)" meta={fields.onlineUrl} hint="Only people who are going, and organizers, ever see this link.">
        {input(fields.onlineUrl, "url", true)}
      </FieldShell>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <FieldShell label="Capacity (optional)" meta={fields.capacity} hint="Leave empty for no limit. When full, people join a waitlist.">
          {input(fields.capacity, "number", true)}
        </FieldShell>
        <FieldShell label="Registration deadline (optional)" meta={fields.registrationDeadline} hint="In the event's time zone. RSVPs close then.">
          {input(fields.registrationDeadline, "datetime-local", true)}
        </FieldShell>
      </div>
    </>
  );
}
