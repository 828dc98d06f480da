import { getTextareaProps, type FieldMetadata } from "@conform-to/react";
import { Button } from "#app/components/ui/button";
import { MarkdownContent } from "#app/components/ui/markdown-content";

export const MARKDOWN_HINT =
  "You can use Markdown: **bold**, *italic*, lists starting with -, > for quotes, [a link](https://example.org). HTML and images are shown as text or links.";

/** A labelled, Conform-managed textarea with its hint and inline error. */
export function TextareaField({ label, meta, hint, rows = 8 }: { label: string; meta: FieldMetadata<string>; hint?: string; rows?: number }) {
  const errors = meta.errors?.filter(Boolean) ?? [];
  const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: hint ? meta.descriptionId : undefined });
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={meta.id} className="text-base font-semibold">
        {label}
      </label>
      {hint ? (
        <p id={meta.descriptionId} className="text-sm text-stone-700 dark:text-stone-300">
          {hint}
        </p>
      ) : null}
      <textarea
        key={key}
        {...props}
        rows={rows}
        className={
          "w-full rounded-lg border-2 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50 " +
          (errors.length ? "border-red-700 dark:border-red-400" : "border-stone-500")
        }
      />
      <p id={meta.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
        {errors.length ? errors.join(" ") : null}
      </p>
    </div>
  );
}

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
