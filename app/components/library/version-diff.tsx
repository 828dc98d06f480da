import type { DiffLine, Piece, VersionDiff } from "#app/modules/library/version-diff";

/**
 * A diff of two versions that does not rely on colour: additions are <ins> (underlined) and removals
 * <del> (struck through), each with visually hidden "added"/"removed" words for screen readers, and
 * whole lines carry a visible + or − as well.
 */

const insClass = "bg-green-100 text-green-950 underline decoration-2 dark:bg-green-900 dark:text-green-50";
const delClass = "bg-red-100 text-red-950 line-through decoration-2 dark:bg-red-900 dark:text-red-50";

function Added({ children }: { children: string }) {
  return (
    <ins className={insClass}>
      <span className="sr-only">[added: </span>
      {children}
      <span className="sr-only">]</span>
    </ins>
  );
}

function Removed({ children }: { children: string }) {
  return (
    <del className={delClass}>
      <span className="sr-only">[removed: </span>
      {children}
      <span className="sr-only">]</span>
    </del>
  );
}

function Pieces({ pieces }: { pieces: Piece[] }) {
  return (
    <>
      {pieces.map((p, i) => (p.kind === "added" ? <Added key={i}>{p.text}</Added> : p.kind === "removed" ? <Removed key={i}>{p.text}</Removed> : <span key={i}>{p.text}</span>))}
    </>
  );
}

const text = (t: string) => (t === "" ? "\u00a0" : t);

function Line({ line }: { line: DiffLine }) {
  const row = "flex gap-3 px-2 py-0.5";
  const mark = (m: string) => (
    <span aria-hidden="true" className="w-4 shrink-0 select-none font-bold">
      {m}
    </span>
  );
  if (line.kind === "skipped") return <li className={`${row} italic`}>{mark("…")}{line.count === 1 ? "1 unchanged line" : `${line.count} unchanged lines`}</li>;
  if (line.kind === "added")
    return (
      <li className={row}>
        {mark("+")}
        <span className="min-w-0 whitespace-pre-wrap break-words"><Added>{text(line.text)}</Added></span>
      </li>
    );
  if (line.kind === "removed")
    return (
      <li className={row}>
        {mark("−")}
        <span className="min-w-0 whitespace-pre-wrap break-words"><Removed>{text(line.text)}</Removed></span>
      </li>
    );
  if (line.kind === "changed")
    return (
      <li className={row}>
        {mark("~")}
        <span className="min-w-0 whitespace-pre-wrap break-words">
          <span className="sr-only">Changed line: </span>
          <Pieces pieces={line.pieces} />
        </span>
      </li>
    );
  return (
    <li className={row}>
      {mark("")}
      <span className="min-w-0 whitespace-pre-wrap break-words">{text(line.text)}</span>
    </li>
  );
}

function Unchanged() {
  return <p className="italic">Unchanged.</p>;
}

export function VersionDiffView({ diff, from, to, headingId }: { diff: VersionDiff; from: number; to: number; headingId: string }) {
  const titleChanged = diff.title.some((p) => p.kind !== "same");
  const summaryChanged = diff.summary.some((p) => p.kind !== "same");
  const tagsChanged = diff.tags.added.length > 0 || diff.tags.removed.length > 0;
  return (
    <section aria-labelledby={headingId} className="space-y-4">
      <h2 id={headingId} className="text-2xl">
        Changes from version {from} to version {to}
      </h2>
      {!diff.changed ? <p>These two versions have the same title, summary, text and tags.</p> : null}
      <dl className="space-y-4">
        <div>
          <dt className="text-lg font-semibold">Title</dt>
          <dd className="break-words">{titleChanged ? <Pieces pieces={diff.title} /> : <Unchanged />}</dd>
        </div>
        <div>
          <dt className="text-lg font-semibold">Summary</dt>
          <dd className="whitespace-pre-wrap break-words">{summaryChanged ? <Pieces pieces={diff.summary} /> : <Unchanged />}</dd>
        </div>
        <div>
          <dt className="text-lg font-semibold">Tags</dt>
          <dd className="break-words">
            {tagsChanged ? (
              <>
                {[...diff.tags.same].map((t) => (
                  <span key={`s-${t}`}>#{t} </span>
                ))}
                {diff.tags.added.map((t) => (
                  <span key={`a-${t}`}>
                    <Added>{`#${t}`}</Added>{" "}
                  </span>
                ))}
                {diff.tags.removed.map((t) => (
                  <span key={`r-${t}`}>
                    <Removed>{`#${t}`}</Removed>{" "}
                  </span>
                ))}
              </>
            ) : (
              <Unchanged />
            )}
          </dd>
        </div>
        <div>
          <dt className="text-lg font-semibold">Text</dt>
          <dd>
            {diff.body.length ? (
              <ul aria-label={`Text changes, line by line`} className="rounded-lg border-2 border-stone-300 py-2 font-mono text-base dark:border-stone-600">
                {diff.body.map((line, i) => (
                  <Line key={i} line={line} />
                ))}
              </ul>
            ) : (
              <Unchanged />
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
