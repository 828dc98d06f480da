import { parseWithZod } from "@conform-to/zod";
import { json } from "@remix-run/node";
import type { AppContext } from "#app/lib/app-context.server";
import { ResourceFormSchema, type ResourceInput } from "./library.schema";
import { storageFor } from "./storage.server";
import { readUploadForm, type UploadOutcome } from "./upload.server";

/**
 * Reads the resource form (streaming any document to a temp file) and validates it. Returns either a
 * ready-to-send failure (400 with inline errors, or 413 when the file was too large, with everything
 * typed kept) or the input. The caller must `discardUpload(upload)` when done, whatever happened.
 */
export async function readResourceSubmission(app: AppContext, request: Request) {
  const { formData, upload } = await readUploadForm(request, storageFor(app));
  const submission = parseWithZod(formData, { schema: ResourceFormSchema });
  const fileProblem = submission.status === "success" && submission.value.kind !== "document" ? null : upload && !upload.ok ? upload : null;
  if (submission.status !== "success" || fileProblem) {
    const failure = json(submission.reply(fileProblem ? { fieldErrors: { file: [fileProblem.message] } } : undefined), {
      status: fileProblem?.status ?? 400,
    });
    return { submission, upload, failure, input: null } as const;
  }
  const { file: _file, ...input } = submission.value;
  // A file sent with a link or a guide is ignored (and discarded by the caller).
  const relevant: UploadOutcome | null = input.kind === "document" ? upload : null;
  return { submission, upload, failure: null, input: input as ResourceInput, relevantUpload: relevant } as const;
}
