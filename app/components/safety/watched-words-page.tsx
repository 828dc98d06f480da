import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "#app/components/ui/button";
import type { ActionResult } from "#app/lib/action-result";

type WatchedAction = "block" | "hold" | "flag";

const actionChoices: { value: WatchedAction; label: string; explanation: string }[] = [
  { value: "block", label: "Block", explanation: "The text is refused and the writer asked to rephrase it." },
  { value: "hold", label: "Hold for review", explanation: "A post or chat message waits for a moderator before anyone sees it (event, resource and name text is refused)." },
  { value: "flag", label: "Flag", explanation: "The text is published and a report goes to the moderators." },
];
const labelOf: Record<WatchedAction, string> = { block: "Block", hold: "Hold for review", flag: "Flag" };

export interface WatchedWordRow {
  id: string;
  pattern: string;
  action: WatchedAction;
}

type PageResult = ActionResult<{ form: string; findings: { pattern: string; action: WatchedAction; source: "organization" | "site"; summary: string }[] | null }>;

const input = "min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50";

function Message({ result, form }: { result: PageResult | undefined; form: string }) {
  if (!result || result.form !== form) return null;
  if (result.ok) return <p role="status" className="rounded-lg border-2 border-green-700 bg-green-50 p-3 text-green-900 dark:bg-green-950 dark:text-green-100">{result.message}</p>;
  return (
    <div role="alert" className="rounded-lg border-2 border-red-700 bg-red-50 p-3 text-red-900 dark:bg-red-950 dark:text-red-100">
      <p>{result.message}</p>
    </div>
  );
}

function FieldError({ id, result, form, field }: { id: string; result: PageResult | undefined; form: string; field: string }) {
  const errors = result && !result.ok && result.form === form ? result.fieldErrors?.[field] : undefined;
  if (!errors?.length) return null;
  return (
    <ul id={id} className="list-disc pl-6 font-medium text-red-800 dark:text-red-300">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

/**
 * One watched-word list (an organization's or the whole site's): the words with a remove button
 * each, the add form, CSV import and export, and the test box. Every form works without script.
 */
export function WatchedWordsPage({ title, intro, words, csvHref, back }: { title: string; intro: ReactNode; words: WatchedWordRow[]; csvHref: string; back: ReactNode }) {
  const result = useActionData<PageResult>();
  const busy = useNavigation().state === "submitting";
  const addForm = useRef<HTMLFormElement>(null);
  const importForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.ok && result.form === "add") addForm.current?.reset();
    if (result?.ok && result.form === "import") importForm.current?.reset();
  }, [result]);
  const invalid = (form: string, field: string) => (result && !result.ok && result.form === form && result.fieldErrors?.[field] ? true : undefined);
  return (
    <section aria-labelledby="watched-title" className="max-w-3xl space-y-8">
      <p>{back}</p>
      <header className="space-y-2">
        <h1 id="watched-title" className="text-3xl">
          {title}
        </h1>
        <div className="space-y-2">{intro}</div>
        <p>
          Whole words only: "cure" does not match "secure". Capitals and accents don't matter. A <code>*</code> stands for any letters inside one word:{" "}
          <code>cur*</code> matches "cures", <code>*cure</code> matches "procure". A phrase of up to five words matches those words in a row.
        </p>
      </header>

      <section aria-labelledby="watched-list" className="space-y-3">
        <h2 id="watched-list" className="text-2xl">
          Watched words ({words.length})
        </h2>
        <Message result={result} form="remove" />
        {words.length === 0 ? (
          <p>No watched words yet.</p>
        ) : (
          <table className="w-full border-collapse text-left">
            <thead>
              <tr>
                <th scope="col" className="border-b-2 border-stone-400 p-2">Word or phrase</th>
                <th scope="col" className="border-b-2 border-stone-400 p-2">What it does</th>
                <th scope="col" className="border-b-2 border-stone-400 p-2"><span className="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>
              {words.map((w) => (
                <tr key={w.id}>
                  <td className="break-all border-b border-stone-300 p-2 font-mono dark:border-stone-600">{w.pattern}</td>
                  <td className="border-b border-stone-300 p-2 dark:border-stone-600">{labelOf[w.action]}</td>
                  <td className="border-b border-stone-300 p-2 text-right dark:border-stone-600">
                    <Form method="post">
                      <input type="hidden" name="form" value="remove" />
                      <input type="hidden" name="id" value={w.id} />
                      <Button type="submit" variant="quiet" disabled={busy}>
                        Remove<span className="sr-only"> '{w.pattern}'</span>
                      </Button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="watched-add" className="space-y-3">
        <h2 id="watched-add" className="text-2xl">
          Add a word or phrase
        </h2>
        <Message result={result} form="add" />
        <Form method="post" ref={addForm} className="space-y-4">
          <input type="hidden" name="form" value="add" />
          <div className="flex flex-col gap-1">
            <label htmlFor="watched-pattern" className="font-semibold">
              Word or phrase
            </label>
            <p id="watched-pattern-hint">Letters, digits, spaces and * only; at most 64 characters.</p>
            <input
              id="watched-pattern"
              name="pattern"
              required
              maxLength={64}
              autoComplete="off"
              className={input}
              aria-describedby="watched-pattern-hint watched-pattern-error"
              aria-invalid={invalid("add", "pattern")}
            />
            <FieldError id="watched-pattern-error" result={result} form="add" field="pattern" />
          </div>
          <fieldset className="space-y-2" aria-describedby="watched-action-error">
            <legend className="font-semibold">What it does</legend>
            {actionChoices.map((c) => (
              <label key={c.value} className="flex min-h-11 items-start gap-3">
                <input type="radio" name="action" value={c.value} defaultChecked={c.value === "hold"} className="mt-1 h-6 w-6 shrink-0" aria-describedby={`watched-action-${c.value}`} />
                <span>
                  <span className="font-semibold">{c.label}</span>
                  <span id={`watched-action-${c.value}`} className="block">
                    {c.explanation}
                  </span>
                </span>
              </label>
            ))}
            <FieldError id="watched-action-error" result={result} form="add" field="action" />
          </fieldset>
          <Button type="submit" disabled={busy}>
            Add to the list
          </Button>
        </Form>
      </section>

      <section aria-labelledby="watched-csv" className="space-y-3">
        <h2 id="watched-csv" className="text-2xl">
          Import and export
        </h2>
        <p>
          A CSV file with the header <code>pattern,action</code> and one word per line; action is block, hold or flag. Up to 2,000 words and 256 KiB. If any line
          has a problem, nothing is imported and each line's problem is listed. Words already on the list take the file's action.
        </p>
        <Message result={result} form="import" />
        <Form method="post" encType="multipart/form-data" ref={importForm} className="space-y-3">
          <input type="hidden" name="form" value="import" />
          <div className="flex flex-col gap-1">
            <label htmlFor="watched-file" className="font-semibold">
              CSV file
            </label>
            <input
              id="watched-file"
              name="file"
              type="file"
              accept=".csv,text/csv"
              required
              className={`${input} text-base`}
              aria-describedby="watched-file-error"
              aria-invalid={invalid("import", "file")}
            />
            <FieldError id="watched-file-error" result={result} form="import" field="file" />
          </div>
          <div className="flex flex-wrap gap-3">
            <Button type="submit" disabled={busy}>
              Import CSV
            </Button>
            <a href={csvHref} download className="inline-flex min-h-11 items-center rounded-lg border-2 border-brand-700 px-5 py-2 font-semibold dark:border-brand-100">
              Download CSV
            </a>
          </div>
        </Form>
      </section>

      <section aria-labelledby="watched-test" className="space-y-3">
        <h2 id="watched-test" className="text-2xl">
          Try a sample text
        </h2>
        <Form method="post" className="space-y-3">
          <input type="hidden" name="form" value="test" />
          <div className="flex flex-col gap-1">
            <label htmlFor="watched-sample" className="font-semibold">
              Sample text
            </label>
            <textarea
              id="watched-sample"
              name="sample"
              rows={4}
              required
              maxLength={20000}
              className={input}
              aria-describedby="watched-sample-error"
              aria-invalid={invalid("test", "sample")}
            />
            <FieldError id="watched-sample-error" result={result} form="test" field="sample" />
          </div>
          <Button type="submit" variant="secondary" disabled={busy}>
            Try it
          </Button>
        </Form>
        {result?.form === "test" && result.ok ? (
          <div role="status" className="space-y-2 rounded-lg border-2 border-stone-500 p-3">
            {result.findings?.length ? (
              <>
                <p>This text would trigger:</p>
                <ul className="list-disc pl-6">
                  {result.findings.map((f) => (
                    <li key={f.pattern}>
                      {f.summary}
                      {f.source === "site" ? " (site-wide list)" : ""}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p>{result.message}</p>
            )}
          </div>
        ) : (
          <Message result={result?.form === "test" && !result.ok && !result.fieldErrors ? result : undefined} form="test" />
        )}
      </section>
    </section>
  );
}
