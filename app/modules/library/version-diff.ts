import { diffLines, diffWordsWithSpace } from "diff";

/**
 * Diffs of two resource versions, as plain data for the history page: the body line by line (with
 * word-level pieces inside a changed line), the title and summary word by word, the tags as sets.
 * Bounded: a diff that would take too long falls back to "whole line/text removed, added".
 */

export type Piece = { kind: "same" | "added" | "removed"; text: string };
export type DiffLine =
  | { kind: "same" | "added" | "removed"; text: string }
  | { kind: "changed"; pieces: Piece[] }
  | { kind: "skipped"; count: number };

/** Lines of unchanged context kept around each change; longer unchanged runs are folded. */
const CONTEXT = 2;
const LIMIT = { timeout: 250 } as const;

const piecesOf = (changes: { value: string; added: boolean; removed: boolean }[]): Piece[] =>
  changes.filter((c) => c.value !== "").map((c) => ({ kind: c.added ? "added" : c.removed ? "removed" : "same", text: c.value }));

/** Word-level diff of two short texts (title, summary, one line). */
export function diffWords(before: string, after: string): Piece[] {
  if (before === after) return before ? [{ kind: "same", text: before }] : [];
  const changes = diffWordsWithSpace(before, after, LIMIT);
  if (!changes) return piecesOf([{ value: before, added: false, removed: true }, { value: after, added: true, removed: false }]);
  return piecesOf(changes);
}

const linesOf = (value: string) => {
  const lines = value.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
};

/** Line-level diff of two bodies; a removed run followed by an added run is paired line by line as "changed". */
export function diffBody(before: string, after: string): DiffLine[] {
  if (before === after) return [];
  const changes = diffLines(before, after, LIMIT) ?? [
    { value: before, added: false, removed: true, count: 0 },
    { value: after, added: true, removed: false, count: 0 },
  ];
  const lines: DiffLine[] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const next = changes[i + 1];
    if (c.removed && next?.added) {
      const old = linesOf(c.value);
      const now = linesOf(next.value);
      const paired = Math.min(old.length, now.length);
      for (let j = 0; j < paired; j++) lines.push({ kind: "changed", pieces: diffWords(old[j]!, now[j]!) });
      for (const text of old.slice(paired)) lines.push({ kind: "removed", text });
      for (const text of now.slice(paired)) lines.push({ kind: "added", text });
      i++;
    } else {
      const kind = c.added ? "added" : c.removed ? "removed" : "same";
      for (const text of linesOf(c.value)) lines.push({ kind, text });
    }
  }
  return fold(lines);
}

/** Keeps CONTEXT unchanged lines on each side of a change and folds the rest into "n unchanged lines". */
function fold(lines: DiffLine[]): DiffLine[] {
  const near = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.kind === "same") return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(lines.length - 1, i + CONTEXT); k++) near[k] = true;
  });
  const out: DiffLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (near[i]) {
      out.push(lines[i]!);
      continue;
    }
    const last = out.at(-1);
    if (last?.kind === "skipped") last.count++;
    else out.push({ kind: "skipped", count: 1 });
  }
  return out;
}

export function diffTags(before: string[], after: string[]) {
  return {
    added: after.filter((t) => !before.includes(t)),
    removed: before.filter((t) => !after.includes(t)),
    same: after.filter((t) => before.includes(t)),
  };
}

export interface VersionContent {
  title: string;
  summary: string;
  body: string;
  tags: string[];
}

export function diffVersions(before: VersionContent, after: VersionContent) {
  return {
    title: diffWords(before.title, after.title),
    summary: diffWords(before.summary, after.summary),
    body: diffBody(before.body, after.body),
    tags: diffTags(before.tags, after.tags),
    changed: before.title !== after.title || before.summary !== after.summary || before.body !== after.body || before.tags.join("\n") !== after.tags.join("\n"),
  };
}
export type VersionDiff = ReturnType<typeof diffVersions>;
