import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ResourceFormFields } from "#app/components/library/resource-form";
import { Button } from "#app/components/ui/button";
import { Forbidden, NotFound } from "#app/lib/errors";
import { formFailure, formInvalid, loaderWork, requireParams, requireViewer } from "#app/lib/http.server";
import { readResourceSubmission } from "#app/modules/library/form.server";
import { ResourceFormSchema, ResourceIdSchema } from "#app/modules/library/library.schema";
import { getResource, listCuratorChoices, updateResource } from "#app/modules/library/library.server";
import { discardUpload } from "#app/modules/library/upload.server";
import { checkReviewer, currentReviewerOf, listReviewerChoices, saveReviewer } from "#app/modules/library/reviewer.server";
import { ReviewerField } from "#app/components/library/reviewer-field";
import { can } from "#app/policy.server";
import { formTiming } from "#app/components/ui/field";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit ${data.resource.title} — Hearth` : "Edit — Hearth" }];

const ResourceParams = z.object({ resourceId: ResourceIdSchema });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { resourceId: id } = requireParams(params, ResourceParams, () => NotFound("That resource"));
  return loaderWork(async () => {
    const r = await getResource(context.app, viewer, id);
    if (!r.permissions.edit) throw Forbidden("Only the organization's staff can change this resource.");
    const curators = (await listCuratorChoices(context.app, viewer)).filter((c) => c.id === r.organizationId);
    const reviewerId = await currentReviewerOf(context.app, r.id);
    const reviewers = can(viewer, "library.assignReviewer", r.target) ? await listReviewerChoices(context.app, r.organizationId, reviewerId) : null;
    return {
      curators,
      reviewers,
      resource: {
        id: r.id,
        kind: r.kind,
        title: r.title,
        organizationId: r.organizationId,
        groupId: r.group?.id ?? "",
        category: r.category,
        summary: r.summary,
        body: r.body,
        url: r.url ?? "",
        tags: r.tags.join(", "),
        fileName: r.file?.name,
        reviewerId: reviewerId ?? "",
      },
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { resourceId: id } = requireParams(params, ResourceParams, () => NotFound("That resource"));
  const read = await loaderWork(() => readResourceSubmission(context.app, request));
  try {
    if (read.fileError) return formFailure(read.submission, read.fileError);
    if (!read.input) return formInvalid(read.submission);
    // The reviewer is checked before anything is saved, and saved after the rest (a wrong choice stores nothing).
    const reviewer = await checkReviewer(context.app, viewer, id, read.input.reviewerId);
    await updateResource(context.app, viewer, id, read.input, read.relevantUpload);
    await saveReviewer(context.app, reviewer);
    return redirect(`/library/${id}`);
  } catch (e) {
    return formFailure(read.submission, e);
  } finally {
    await discardUpload(read.upload);
  }
}

export default function EditResource() {
  const { curators, resource, reviewers } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { fileName, id, ...defaults } = resource;
  const [form, fields] = useForm({
    lastResult: lastResult ?? null,
    defaultValue: { ...defaults, file: undefined },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResourceFormSchema }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="edit-resource-title" className="max-w-3xl space-y-6">
      <p>
        <Link to={`/library/${id}`} className="inline-flex min-h-11 items-center">
          ← Back to the resource
        </Link>
      </p>
      <h1 id="edit-resource-title" className="text-3xl">
        Edit “{resource.title}”
      </h1>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="space-y-5">
        <ResourceFormFields form={form} fields={fields} kind={resource.kind} curators={curators} organizationLocked replacingFile={fileName} />
        {reviewers ? <ReviewerField meta={fields.reviewerId} choices={reviewers} /> : null}
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save changes"}
        </Button>
      </Form>
    </section>
  );
}
