import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ResourceFormFields } from "#app/components/library/resource-form";
import { Button, ButtonLink } from "#app/components/ui/button";
import { Forbidden } from "#app/lib/errors";
import { formFailure, formInvalid, loaderWork, requireViewer } from "#app/lib/http.server";
import { readResourceSubmission } from "#app/modules/library/form.server";
import { kindLabels, ResourceFormSchema, resourceKinds, type ResourceKind } from "#app/modules/library/library.schema";
import { createResource, listCuratorChoices } from "#app/modules/library/library.server";
import { discardUpload } from "#app/modules/library/upload.server";
import { formTiming } from "#app/components/ui/field";

export const meta: MetaFunction = () => [{ title: "Add to the library — Hearth" }];

const headings: Record<ResourceKind, string> = { link: "Add a link", guide: "Write a guide", document: "Upload a document" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const curators = await listCuratorChoices(context.app, viewer);
    if (curators.length === 0) throw Forbidden("Only an organization's staff can add resources to its library.");
    const url = new URL(request.url);
    const kindParam = url.searchParams.get("kind");
    const kind = resourceKinds.find((k) => k === kindParam) ?? null;
    const group = url.searchParams.get("group");
    const groupId = curators.flatMap((o) => o.groups).find((g) => g.id === group)?.id ?? "";
    return { curators, kind, groupId };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const read = await loaderWork(() => readResourceSubmission(context.app, request));
  try {
    if (read.fileError) return formFailure(read.submission, read.fileError);
    if (!read.input) return formInvalid(read.submission);
    const { id } = await createResource(context.app, viewer, read.input, read.relevantUpload);
    return redirect(`/library/${id}`);
  } catch (e) {
    return formFailure(read.submission, e);
  } finally {
    await discardUpload(read.upload);
  }
}

export default function NewResource() {
  const { curators, kind, groupId } = useLoaderData<typeof loader>();
  if (!kind) return <ChooseKind />;
  return <NewResourceForm key={kind} kind={kind} curators={curators} groupId={groupId} />;
}

function ChooseKind() {
  return (
    <section aria-labelledby="new-resource-title" className="max-w-3xl space-y-6">
      <p>
        <Link to="/library" className="inline-flex min-h-11 items-center">
          ← The library
        </Link>
      </p>
      <h1 id="new-resource-title" className="text-3xl">
        Add to the library
      </h1>
      <p className="text-lg">What would you like to add?</p>
      <ul className="flex flex-wrap gap-3">
        {resourceKinds.map((k) => (
          <li key={k}>
            <ButtonLink to={`/library/new?kind=${k}`} variant="secondary">
              {headings[k]}
            </ButtonLink>
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewResourceForm({ kind, curators, groupId }: { kind: ResourceKind; curators: { id: string; name: string; groups: { id: string; name: string; private: boolean }[] }[]; groupId: string }) {
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    defaultValue: { kind, organizationId: curators[0]?.id ?? "", groupId },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResourceFormSchema }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="new-resource-title" className="max-w-3xl space-y-6">
      <p>
        <Link to="/library/new" className="inline-flex min-h-11 items-center">
          ← Choose another kind
        </Link>
      </p>
      <h1 id="new-resource-title" className="text-3xl">
        {headings[kind]}
      </h1>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="space-y-5">
        <ResourceFormFields form={form} fields={fields} kind={kind} curators={curators} organizationLocked={false} />
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : `Add ${kindLabels[kind].toLowerCase()}`}
        </Button>
      </Form>
    </section>
  );
}
