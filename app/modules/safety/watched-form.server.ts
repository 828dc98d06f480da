import { Invalid } from "#app/lib/errors";
import { actionSuccess, invalidInput, pageActionFailure, readForm } from "#app/lib/http.server";
import type { AppContext } from "#app/lib/app-context.server";
import type { Actor } from "#app/policy.server";
import { AddWatchedWordSchema, RemoveWatchedWordSchema, SampleTextSchema, watchedActionLabels, WatchedFormNameSchema, WATCHED_CSV_MAX_BYTES } from "./watched.schema";
import { addWatchedWord, importWatchedCsv, removeWatchedWord, testSample, type WatchedScope } from "./watched.server";

/** One sample's findings, as the test box shows them. */
export interface SampleFinding {
  pattern: string;
  action: "block" | "hold" | "flag";
  source: "organization" | "site";
  summary: string;
}

/**
 * The action behind both watched-word pages (an organization's and the site's): add, remove, CSV
 * import and the test box, each answered with the one result shape and the form it answers.
 */
export async function watchedPageAction(app: AppContext, viewer: Actor, scope: WatchedScope, request: Request) {
  const data = await readForm(request);
  const formName = WatchedFormNameSchema.safeParse(data.get("form"));
  const form = formName.success ? formName.data : "unknown";
  const fail = (e: unknown) => pageActionFailure(e, { form, findings: null as SampleFinding[] | null });
  const done = (message: string, findings: SampleFinding[] | null = null) => actionSuccess(message, { form, findings });
  const fields = Object.fromEntries([...data.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));
  try {
    if (form === "add") {
      const parsed = AddWatchedWordSchema.safeParse(fields);
      if (!parsed.success) return fail(invalidInput(parsed.error, "Please check the form."));
      const r = await addWatchedWord(app, viewer, scope, parsed.data);
      const label = watchedActionLabels[r.action].label;
      return done(r.changed ? `'${r.pattern}' now does: ${label}.` : `'${r.pattern}' added: ${label}.`);
    }
    if (form === "remove") {
      const parsed = RemoveWatchedWordSchema.safeParse(fields);
      if (!parsed.success) return fail(invalidInput(parsed.error, "That word could not be found. Please reload the page."));
      const r = await removeWatchedWord(app, viewer, scope, parsed.data.id);
      return done(`'${r.pattern}' removed.`);
    }
    if (form === "import") {
      const file = data.get("file");
      if (!file || typeof file === "string" || file.size === 0) return fail(Invalid("Choose a CSV file to import.", { file: ["Choose a CSV file to import."] }));
      // The size is known before the file is read: a huge file is refused without decoding it.
      const text = file.size > WATCHED_CSV_MAX_BYTES ? "" : await file.text();
      const r = await importWatchedCsv(app, viewer, scope, { text, bytes: file.size });
      const parts = [`${r.added} added`, `${r.changed} changed`, `${r.unchanged} already on the list`];
      if (r.merged) parts.push(`${r.merged} duplicate${r.merged === 1 ? "" : "s"} merged`);
      return done(`Imported: ${parts.join(", ")}.`);
    }
    if (form === "test") {
      const parsed = SampleTextSchema.safeParse(fields);
      if (!parsed.success) return fail(invalidInput(parsed.error, "Type a sample text to try."));
      const findings = await testSample(app, viewer, scope, parsed.data.sample);
      return done(findings.length ? `This text ${findings.map((f) => f.summary).join("; ")}.` : "Nothing on the list matches this text.", findings);
    }
    return fail(Invalid("That request was not understood. Please reload the page."));
  } catch (e) {
    return fail(e);
  }
}
