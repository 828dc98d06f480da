import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { Button } from "#app/components/ui/button";
import { inputClass } from "#app/components/ui/field";
import { IMAGE_MAX_BYTES, imageMessages } from "#app/modules/library/images.schema";

type ImageReply =
  | { ok: true; message: string; image: { id: string; url: string; markdown: string } }
  | { ok: false; message: string; fieldErrors?: Record<string, string[] | undefined> };

type Problems = { image?: string; alt?: string; form?: string };

/**
 * "Add an image" under the guide's body: a file, its description (or "Decorative only"), and a
 * button that uploads it (POST /library/images) and puts `![description](/library/images/<id>)` where
 * the cursor was in the body. No drag and drop needed: every step is a labelled control. The controls
 * have no names, so the guide's own form never sends them (nor the file).
 */
export function GuideImageAdder({ bodyId }: { bodyId: string }) {
  const fetcher = useFetcher<ImageReply>();
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const altRef = useRef<HTMLInputElement>(null);
  const selection = useRef<{ start: number; end: number } | null>(null);
  const handled = useRef<ImageReply | null>(null);
  const [decorative, setDecorative] = useState(false);
  const [problems, setProblems] = useState<Problems>({});
  const [status, setStatus] = useState<string | null>(null);
  const busy = fetcher.state !== "idle";
  const body = () => document.getElementById(bodyId) as HTMLTextAreaElement | null;

  function upload() {
    const textarea = body();
    const file = fileRef.current?.files?.[0];
    const alt = altRef.current?.value.trim() ?? "";
    const found: Problems = {};
    if (!file) found.image = imageMessages.missing;
    else if (file.size > IMAGE_MAX_BYTES) found.image = imageMessages.tooLarge;
    else if (file.size === 0) found.image = imageMessages.empty;
    if (!decorative && !alt) found.alt = imageMessages.altRequired;
    setProblems(found);
    setStatus(null);
    if (found.image) return fileRef.current?.focus();
    if (found.alt) return altRef.current?.focus();
    // Where the cursor was in the body (kept by the textarea while focus is here).
    selection.current = textarea ? { start: textarea.selectionStart, end: textarea.selectionEnd } : null;
    const organization = textarea?.form?.elements.namedItem("organizationId") as HTMLInputElement | HTMLSelectElement | null;
    const form = new FormData();
    form.append("organizationId", organization?.value ?? "");
    if (decorative) form.append("decorative", "on");
    else form.append("alt", alt);
    form.append("image", file!);
    fetcher.submit(form, { method: "post", action: "/library/images", encType: "multipart/form-data" });
  }

  useEffect(() => {
    const reply = fetcher.data;
    if (!reply || fetcher.state !== "idle" || handled.current === reply) return;
    handled.current = reply;
    if (!reply.ok) {
      const fe = reply.fieldErrors ?? {};
      const next: Problems = { image: fe.image?.join(" "), alt: fe.alt?.join(" ") };
      if (!next.image && !next.alt) next.form = fe.organizationId?.join(" ") ?? reply.message;
      setProblems(next);
      if (next.alt) altRef.current?.focus();
      else fileRef.current?.focus();
      return;
    }
    const textarea = body();
    if (textarea) {
      const { start, end } = selection.current ?? { start: textarea.value.length, end: textarea.value.length };
      // On a line of its own, so it is an image and not part of a sentence.
      const before = textarea.value.slice(0, start);
      const after = textarea.value.slice(end);
      const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      const trail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
      textarea.focus();
      textarea.setRangeText(`${lead}${reply.image.markdown}${trail}`, start, end, "end");
      // Tell the form library the value changed (it listens for input events).
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (fileRef.current) fileRef.current.value = "";
    if (altRef.current) altRef.current.value = "";
    setDecorative(false);
    setProblems({});
    setStatus(reply.message);
  }, [fetcher.data, fetcher.state]); // eslint-disable-line react-hooks/exhaustive-deps

  const onEnter = (e: KeyboardEvent<HTMLInputElement>) => {
    // Enter here adds the image; it must not submit the whole guide.
    if (e.key === "Enter") {
      e.preventDefault();
      upload();
    }
  };

  return (
    <fieldset className="space-y-3 rounded-lg border-2 border-stone-300 p-4 dark:border-stone-600" aria-describedby={`${id}-hint`}>
      <legend className="px-1 text-base font-semibold">Add an image</legend>
      <p id={`${id}-hint`} className="text-sm text-stone-700 dark:text-stone-300">
        PNG, JPEG, WebP or GIF, at most {IMAGE_MAX_BYTES / 1024 / 1024} MB. It goes into the guide where the cursor is; readers of the guide see it.
      </p>
      {problems.form ? (
        <p role="alert" className="text-base font-medium text-red-800 dark:text-red-300">
          {problems.form}
        </p>
      ) : null}
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-file`} className="text-base font-semibold">
          Image
        </label>
        <input
          ref={fileRef}
          id={`${id}-file`}
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          aria-invalid={problems.image ? true : undefined}
          aria-describedby={`${id}-file-error`}
          onKeyDown={onEnter}
          className={inputClass(!!problems.image)}
        />
        <p id={`${id}-file-error`} className="text-base font-medium text-red-800 dark:text-red-300">
          {problems.image ?? null}
        </p>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-alt`} className="text-base font-semibold">
          Description (alt text)
        </label>
        <p id={`${id}-alt-hint`} className="text-sm text-stone-700 dark:text-stone-300">
          What the image shows, for people who can&apos;t see it, e.g. “Diagram of the neck muscles, the left side tight”.
        </p>
        <input
          ref={altRef}
          id={`${id}-alt`}
          type="text"
          maxLength={300}
          disabled={decorative}
          aria-invalid={problems.alt ? true : undefined}
          aria-describedby={`${id}-alt-hint ${id}-alt-error`}
          onKeyDown={onEnter}
          className={inputClass(!!problems.alt)}
        />
        <p id={`${id}-alt-error`} className="text-base font-medium text-red-800 dark:text-red-300">
          {problems.alt ?? null}
        </p>
      </div>
      <label className="inline-flex min-h-11 w-fit cursor-pointer items-center gap-3 text-base">
        <input
          type="checkbox"
          className="h-6 w-6"
          checked={decorative}
          onChange={(e) => {
            setDecorative(e.target.checked);
            setProblems((p) => ({ ...p, alt: undefined }));
          }}
        />
        Decorative only: it adds nothing for someone who can&apos;t see it (no description)
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="secondary" onClick={upload} disabled={busy}>
          {busy ? "Adding the image…" : "Upload and insert"}
        </Button>
      </div>
      {status ? (
        <p role="status" className="text-base">
          {status}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The guide body's help text (a guide has real headings and images, unlike posts). */
export const GUIDE_BODY_HINT =
  "You can use Markdown: # for a section heading (## for a part of it), **bold**, *italic*, lists starting with -, > for quotes, [a link](https://example.org). A guide with three or more headings gets an “On this page” list. Images go in with “Add an image” below.";
