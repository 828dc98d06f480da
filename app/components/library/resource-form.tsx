import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata, type FormMetadata } from "@conform-to/react";
import { GroupField, OrganizationField } from "#app/components/organizations/staff-fields";
import { FieldShell, inputClass } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { GUIDE_BODY_HINT, GuideImageAdder } from "./guide-image-adder";
import { MARKDOWN_HINT } from "#app/components/ui/markdown-content";
import { categoryLabels, resourceCategories, type ResourceKind } from "#app/modules/library/library.schema";


// The schema's output (tags as a list) differs from its field values (strings); Conform's metadata
// types are invariant in it, so the fields are taken untyped here and rendered as strings.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Meta = FieldMetadata<any, any, string[]>;


export interface CuratorChoice {
  id: string;
  name: string;
  groups: { id: string; name: string; private: boolean }[];
}

type ResourceFieldName = "kind" | "organizationId" | "groupId" | "category" | "title" | "summary" | "body" | "url" | "tags" | "file";


/** The resource form's fields for one kind (add and edit). The file goes last so the typed fields arrive first. */
export function ResourceFormFields({
  form,
  fields,
  kind,
  curators,
  organizationLocked,
  replacingFile,
}: {
  form: Pick<FormMetadata, "errorId" | "errors" | "validate">;
  fields: Record<ResourceFieldName, Meta>;
  kind: ResourceKind;
  curators: CuratorChoice[];
  organizationLocked: boolean;
  replacingFile?: string;
}) {
  const described = (meta: Meta, hint: boolean) => ({ ariaDescribedBy: hint ? meta.descriptionId : undefined });
  const { key: _catKey, ...categoryProps } = getSelectProps(fields.category);
  const { key: _sumKey, ...summaryProps } = getTextareaProps(fields.summary, described(fields.summary, true));
  const { key: _bodyKey, ...bodyProps } = getTextareaProps(fields.body, described(fields.body, true));
  const input = (meta: Meta, type: "text" | "url", hint: boolean) => {
    const { key: _key, ...props } = getInputProps(meta, { type, ...described(meta, hint) });
    return <input {...props} className={inputClass(!!meta.errors?.length)} />;
  };
  const { key: _fileKey, defaultValue: _fileDefault, ...fileProps } = getInputProps(fields.file, { type: "file", ...described(fields.file, true) });
  return (
    <>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name={fields.kind.name} value={kind} />
      <OrganizationField meta={fields.organizationId} choices={curators} locked={organizationLocked} />
      <FieldShell label="Title" meta={fields.title}>
        {input(fields.title, "text", false)}
      </FieldShell>
      {kind === "link" ? (
        <FieldShell label="Web address" meta={fields.url} hint="The page this resource links to, starting with https://.">
          {input(fields.url, "url", true)}
        </FieldShell>
      ) : null}
      <FieldShell label="Category" meta={fields.category}>
        <select {...categoryProps} className={inputClass(!!fields.category.errors?.length)}>
          <option value="">Choose a category</option>
          {resourceCategories.map((c) => (
            <option key={c} value={c}>
              {categoryLabels[c]}
            </option>
          ))}
        </select>
      </FieldShell>
      <FieldShell label={kind === "guide" ? "Summary (optional)" : "Summary"} meta={fields.summary} hint={`What readers will find, in a few sentences. ${MARKDOWN_HINT}`}>
        <textarea {...summaryProps} rows={3} className={inputClass(!!fields.summary.errors?.length)} />
      </FieldShell>
      {kind === "guide" ? (
        <>
          <FieldShell label="Guide" meta={fields.body} hint={GUIDE_BODY_HINT}>
            <textarea {...bodyProps} rows={14} className={inputClass(!!fields.body.errors?.length)} />
          </FieldShell>
          <GuideImageAdder bodyId={fields.body.id} />
        </>
      ) : null}
      <FieldShell label="Tags (optional)" meta={fields.tags} hint="Separated by commas, e.g. botox, posture. Threads and events with these words are shown alongside.">
        {input(fields.tags, "text", true)}
      </FieldShell>
      <GroupField
        meta={fields.groupId}
        choices={curators}
        noneLabel="Everyone: the whole library"
        hint="A resource for one group only. A private group's resources are seen only by its members."
      />
      {kind === "document" ? (
        <FieldShell
          label={replacingFile ? "Replace the file (optional)" : "File"}
          meta={fields.file}
          hint={`PDF, PNG or JPEG, at most 10 MB.${replacingFile ? ` Now: ${replacingFile}.` : ""}`}
        >
          {/* Checked as soon as a file is chosen (too large, empty), so nothing is sent in vain. */}
          <input
            {...fileProps}
            accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
            onChange={() => form.validate({ name: fields.file.name })}
            className={inputClass(!!fields.file.errors?.length)}
          />
        </FieldShell>
      ) : null}
    </>
  );
}
