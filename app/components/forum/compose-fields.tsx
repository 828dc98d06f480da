import { Button } from "#app/components/ui/button";
import { MarkdownContent } from "#app/components/ui/markdown-content";

/** "Preview" and the main submit button: two submitters of one form (intent = preview | post). */
export function ComposeButtons({ busy, submitLabel, busyLabel }: { busy: boolean; submitLabel: string; busyLabel: string }) {
  return (
    <div className="flex flex-wrap gap-3">
      <Button type="submit" name="intent" value="preview" variant="secondary" formNoValidate disabled={busy}>
        Preview
      </Button>
      <Button type="submit" name="intent" value="post" disabled={busy}>
        {busy ? busyLabel : submitLabel}
      </Button>
    </div>
  );
}

/** The server-rendered preview, announced when it appears. */
export function PreviewPanel({ html }: { html: string | null | undefined }) {
  return (
    <div aria-live="polite">
      {html != null ? (
        <section aria-labelledby="preview-heading" className="space-y-2 rounded-xl border-2 border-dashed border-stone-400 p-4">
          <h2 id="preview-heading" className="text-xl">
            Preview <span className="text-base font-normal">(not posted yet)</span>
          </h2>
          {html ? <MarkdownContent html={html} /> : <p>Nothing to preview yet.</p>}
        </section>
      ) : null}
    </div>
  );
}
