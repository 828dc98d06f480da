import type { ActionFunctionArgs } from "@remix-run/node";
import { actionFailure, actionSuccess, invalidInput, readForm } from "#app/lib/http.server";
import { DraftActionSchema } from "#app/modules/forums/drafts.schema";
import { discardDraft, DraftConflict, saveDraft } from "#app/modules/forums/drafts.server";

/**
 * POST /drafts: the compose forms' autosave (app/components/forum/draft-autosave.tsx). `save` answers
 * the stored draft (null when an empty form deleted it); a save based on an older revision answers
 * 409 with the newer stored draft; signed out answers 401 (the browser keeps its copy). `discard`
 * deletes one of the person's own drafts. The Origin check in server.ts applies as to every POST.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const parsed = DraftActionSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw invalidInput(parsed.error, "That draft could not be saved.");
    const input = parsed.data;
    if (input.intent === "discard") {
      await discardDraft(context.app, context.viewer, input.key);
      return actionSuccess("Draft discarded.");
    }
    const draft = await saveDraft(context.app, context.viewer, input);
    return actionSuccess(draft ? "Draft saved." : "Draft cleared.", { draft });
  } catch (e) {
    if (e instanceof DraftConflict) return actionFailure(e, { stored: e.stored });
    return actionFailure(e);
  }
}
