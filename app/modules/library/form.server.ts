import { parseWithZod } from "@conform-to/zod";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid, TooLarge, type DomainError } from "#app/lib/errors";
import { ResourceFormSchema, type ResourceInput } from "./library.schema";
import { storageFor } from "./storage.server";
import { readUploadForm, type UploadOutcome } from "./upload.server";

/**
 * Reads the resource form (streaming any document to a temp file) and validates it. Returns the
 * submission with either `input`, or `fileError` (a domain error for the file field: 413 when too
 * large, 400 otherwise), or neither (the schema's own errors). The route turns a failure into the
 * form reply through app/lib/http.server.ts, with everything typed kept. The caller must
 * `discardUpload(upload)` when done, whatever happened.
 */
export async function readResourceSubmission(app: AppContext, request: Request) {
  const { formData, upload } = await readUploadForm(request, storageFor(app));
  const submission = parseWithZod(formData, { schema: ResourceFormSchema });
  const fileProblem = submission.status === "success" && submission.value.kind !== "document" ? null : upload && !upload.ok ? upload : null;
  if (fileProblem) {
    const fieldErrors = { file: [fileProblem.message] };
    const fileError: DomainError = fileProblem.status === 413 ? TooLarge(fileProblem.message, fieldErrors) : Invalid(fileProblem.message, fieldErrors);
    return { submission, upload, fileError, input: null } as const;
  }
  if (submission.status !== "success") return { submission, upload, fileError: null, input: null } as const;
  const { file: _file, ...input } = submission.value;
  // A file sent with a link or a guide is ignored (and discarded by the caller).
  const relevant: UploadOutcome | null = input.kind === "document" ? upload : null;
  return { submission, upload, fileError: null, input: input as ResourceInput, relevantUpload: relevant } as const;
}
