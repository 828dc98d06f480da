import { and, asc, count, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { organizations, reports, watchedWords } from "#db/schema/index";
import type { Database, Transaction } from "#db/client";
import type { AppContext } from "#app/lib/app-context.server";
import { Forbidden, Invalid, NotFound, TooLarge, Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { toCsv } from "#app/modules/events/csv.server";
import { recordModerationAction } from "#app/modules/moderation/moderation.server";
import { findOrganization } from "#app/modules/organizations/organizations.server";
import { assertCan, can, type Actor } from "#app/policy.server";
import {
  actionStrength,
  watchedActionLabels,
  watchedActions,
  WATCHED_CSV_MAX_BYTES,
  WATCHED_CSV_MAX_ROWS,
  WATCHED_LIST_MAX,
  type AddWatchedWordInput,
  type WatchedAction,
} from "./watched.schema";
import { compileList, matchText, parsePattern } from "./watched-words";

/**
 * Watched words (issue 15): each organization's list and the site-wide one, what they match in a
 * text (`watchedMatches`, the one the write paths call), the pages' list/add/remove, the CSV import
 * (all or nothing) and export, and the test box. The matcher itself is the pure watched-words.ts.
 */

type Executor = Database | Transaction;

/** Which watched words (normalised patterns, each once) matched, by what they do. */
export interface WatchedHits {
  block: string[];
  hold: string[];
  flag: string[];
}

export interface ListedWord {
  pattern: string;
  action: WatchedAction;
  source: "organization" | "site";
}

/**
 * The same lists as loadWords, as a json array subquery on an organization id column, for a caller
 * that reads them in the query it runs anyway (the write gate: screen.server.ts).
 */
export function watchedWordsJsonSql(organizationId: SQL): SQL<ListedWord[]> {
  return sql<ListedWord[]>`coalesce((select json_agg(json_build_object('pattern', ww.pattern, 'action', ww.action,
      'source', case when ww.organization_id is null then 'site' else 'organization' end))
    from ${watchedWords} ww where ww.organization_id is null or ww.organization_id = ${organizationId}), '[]'::json)`;
}

/** One query: the organization's words and the site's (organization_id NULL). */
async function loadWords(db: Executor, organizationId: string | null): Promise<ListedWord[]> {
  const rows = await db
    .select({ pattern: watchedWords.pattern, action: watchedWords.action, organizationId: watchedWords.organizationId })
    .from(watchedWords)
    .where(organizationId ? or(isNull(watchedWords.organizationId), eq(watchedWords.organizationId, organizationId)) : isNull(watchedWords.organizationId));
  return rows.map((r) => ({ pattern: r.pattern, action: r.action, source: r.organizationId ? "organization" : "site" }));
}

/** Each pattern once, with the strongest action any list gives it, and where that came from. */
function strongest(words: readonly ListedWord[]): Map<string, ListedWord> {
  const by = new Map<string, ListedWord>();
  for (const w of words) {
    const seen = by.get(w.pattern);
    if (!seen || actionStrength[w.action] > actionStrength[seen.action]) by.set(w.pattern, w);
  }
  return by;
}

export function hitsOf(words: readonly ListedWord[], texts: readonly string[]): { hits: WatchedHits; matched: ListedWord[] } {
  const by = strongest(words);
  const hits: WatchedHits = { block: [], hold: [], flag: [] };
  if (by.size === 0) return { hits, matched: [] };
  const list = compileList([...by.keys()]);
  const found = new Set<string>();
  for (const text of texts) for (const p of matchText(list, text)) found.add(p);
  const matched = [...found].map((p) => by.get(p)!).filter(Boolean);
  for (const w of matched) hits[w.action].push(w.pattern);
  return { hits, matched };
}

/**
 * The organization's and the site's watched words that match any of the texts (titles, bodies,
 * display names). organizationId null: the site-wide list only. A pattern on both lists does the
 * stronger thing (block > hold > flag), and appears once.
 */
export async function watchedMatches(db: Executor, organizationId: string | null, texts: readonly string[]): Promise<WatchedHits> {
  return hitsOf(await loadWords(db, organizationId), texts).hits;
}

// ── where a text can't be held: events, resources, display names ─────────────────────────────

const quoted = (patterns: readonly string[]) => patterns.map((p) => `'${p}'`).join(", ");

/**
 * For texts that have no hold queue (event and resource text, display names): a "block" or a
 * "hold" word refuses the whole form, naming the word in the field it is in. Held content is a
 * thread, reply or chat message waiting in held_content (decision 0020); an event or a resource
 * has no such place, and publishing it unreviewed would defeat the "hold", so it is refused like
 * a block. Answers the "flag" words (the caller may file a report).
 */
export async function refuseWatchedWords(db: Executor, organizationId: string | null, fields: Record<string, string | null | undefined>): Promise<string[]> {
  const words = await loadWords(db, organizationId);
  if (words.length === 0) return [];
  const entries = Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "");
  const fieldErrors: Record<string, string[]> = {};
  let first: string | null = null;
  for (const [field, text] of entries) {
    const { hits } = hitsOf(words, [text]);
    const refused = [...hits.block, ...hits.hold];
    if (refused.length === 0) continue;
    const message = `${quoted(refused)} ${refused.length === 1 ? "isn't" : "aren't"} allowed here; please rephrase.`;
    fieldErrors[field] = [message];
    first ??= message;
  }
  if (first) throw Invalid(first, fieldErrors);
  return hitsOf(
    words,
    entries.map((e) => e[1]),
  ).hits.flag;
}

/** A display name (sign-up, profile): the site-wide list; block and hold refuse, naming the word. */
export async function checkDisplayName(db: Executor, displayName: string, field = "displayName"): Promise<string[]> {
  return refuseWatchedWords(db, null, { [field]: displayName });
}

/**
 * A display name with a "flag" word: an automatic report (no reporter, no group) for the site
 * admins' queue, naming the words. One open report per person: a later flagged name updates it.
 */
export async function flagDisplayName(db: Executor, userId: string, flagged: readonly string[]): Promise<void> {
  if (flagged.length === 0) return;
  const details = `Display name matched watched words: ${quoted(flagged)}`;
  await db
    .insert(reports)
    .values({ id: newId(), targetType: "user", targetId: userId, groupId: null, reporterId: null, reason: "watched_word", details })
    .onConflictDoUpdate({
      target: [reports.targetType, reports.targetId, reports.reporterId, reports.groupId],
      set: { details, status: "open", resolvedAt: null, resolvedBy: null, createdAt: sql`now()` },
    });
}

// ── the lists (pages) ──────────────────────────────────────────────────────────────────────────

/** Whose list a page works on: one organization's (by slug) or the site's. */
export type WatchedScope = { organizationSlug: string } | { site: true };

export interface ResolvedScope {
  organizationId: string | null;
  slug: string | null;
  name: string;
}

function requireActor(viewer: Actor | null): Actor {
  if (!viewer) throw Unauthenticated();
  return viewer;
}

/**
 * The list's owner, after the policy: owners and admins for an organization, site admins for the
 * site. Someone with no place in the organization is told it has no such page (404); its own
 * moderators are told they can't change it.
 */
export async function resolveScope(app: AppContext, viewer: Actor | null, scope: WatchedScope): Promise<ResolvedScope> {
  const actor = requireActor(viewer);
  if ("site" in scope) {
    if (!can(actor, "safety.manageSiteWatchedWords", { kind: "site" })) throw NotFound("That page");
    return { organizationId: null, slug: null, name: "the whole site" };
  }
  const org = await findOrganization(app, actor, scope.organizationSlug);
  const target = org.target;
  if (!can(actor, "safety.manageWatchedWords", target)) {
    if (target.orgRole === null) throw NotFound("That page");
    assertCan(actor, "safety.manageWatchedWords", target, "That organization");
    throw Forbidden();
  }
  return { organizationId: org.id, slug: org.slug, name: org.name };
}

const ownList = (organizationId: string | null) => (organizationId ? eq(watchedWords.organizationId, organizationId) : isNull(watchedWords.organizationId));

export async function listWatchedWords(app: AppContext, viewer: Actor | null, scope: WatchedScope) {
  const owner = await resolveScope(app, viewer, scope);
  const words = await app.db
    .select({ id: watchedWords.id, pattern: watchedWords.pattern, action: watchedWords.action, createdAt: watchedWords.createdAt })
    .from(watchedWords)
    .where(ownList(owner.organizationId))
    .orderBy(asc(watchedWords.pattern))
    .limit(WATCHED_LIST_MAX);
  return { owner, words };
}

function audit(db: Executor, actor: Actor, owner: ResolvedScope, action: string, targetId: string, details: Record<string, unknown>) {
  return recordModerationAction(db, {
    actorId: actor.id,
    action,
    targetType: owner.organizationId ? "organization" : "site",
    targetId,
    groupId: null,
    details: { organization: owner.slug, ...details },
  });
}

async function listSize(db: Executor, organizationId: string | null): Promise<number> {
  const [row] = await db.select({ n: count() }).from(watchedWords).where(ownList(organizationId));
  return Number(row?.n ?? 0);
}

/** Lock the list's owner row (or, for the site list, nothing better than a transaction advisory lock) so two adds can't pass the cap together. */
async function lockList(tx: Transaction, organizationId: string | null) {
  if (organizationId) await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId)).for("update");
  else await tx.execute(sql`select pg_advisory_xact_lock(hashtext('watched_words:site'))`);
}

/** Adds a word, or changes what an already watched word does. */
export async function addWatchedWord(app: AppContext, viewer: Actor | null, scope: WatchedScope, input: AddWatchedWordInput) {
  const actor = requireActor(viewer);
  const owner = await resolveScope(app, actor, scope);
  return app.db.transaction(async (tx) => {
    await lockList(tx, owner.organizationId);
    const [existing] = await tx
      .select({ id: watchedWords.id, action: watchedWords.action })
      .from(watchedWords)
      .where(and(ownList(owner.organizationId), eq(watchedWords.pattern, input.pattern)));
    if (existing?.action === input.action) throw Invalid(`'${input.pattern}' is already on the list.`, { pattern: [`'${input.pattern}' is already on the list.`] });
    if (existing) {
      await tx.update(watchedWords).set({ action: input.action }).where(eq(watchedWords.id, existing.id));
    } else {
      if ((await listSize(tx, owner.organizationId)) >= WATCHED_LIST_MAX) throw Invalid(`The list is full (${WATCHED_LIST_MAX.toLocaleString("en")} words). Remove some first.`);
      await tx.insert(watchedWords).values({ id: newId(), organizationId: owner.organizationId, pattern: input.pattern, action: input.action, createdBy: actor.id });
    }
    await audit(tx, actor, owner, "watched.add", owner.organizationId ?? "site", { pattern: input.pattern, action: input.action, previous: existing?.action ?? null });
    return { pattern: input.pattern, action: input.action, changed: Boolean(existing) };
  });
}

export async function removeWatchedWord(app: AppContext, viewer: Actor | null, scope: WatchedScope, id: string) {
  const actor = requireActor(viewer);
  const owner = await resolveScope(app, actor, scope);
  return app.db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(watchedWords)
      .where(and(eq(watchedWords.id, id), ownList(owner.organizationId)))
      .returning({ pattern: watchedWords.pattern, action: watchedWords.action });
    if (!removed) throw NotFound("That watched word");
    await audit(tx, actor, owner, "watched.remove", owner.organizationId ?? "site", { pattern: removed.pattern, action: removed.action });
    return removed;
  });
}

// ── CSV ────────────────────────────────────────────────────────────────────────────────────────

/**
 * RFC 4180 records, in one linear pass (quoted fields with "" escapes and line breaks, CRLF or LF,
 * a leading byte-order mark). Each record carries the line it starts on. Stops after `maxRecords`
 * (answering `truncated`), so a hostile file costs at most its bytes.
 */
export function parseCsv(text: string, maxRecords: number): { records: { line: number; cells: string[] }[]; truncated: boolean; unterminated: number | null } {
  const records: { line: number; cells: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    if (records.length >= maxRecords) return { records, truncated: true, unterminated: null };
    const start = line;
    const cells: string[] = [];
    let cell = "";
    for (;;) {
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < text.length) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === "\n") line++;
          cell += c;
          i++;
        }
        if (!closed) return { records, truncated: false, unterminated: start };
      }
      while (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") cell += text[i++];
      if (text[i] === ",") {
        cells.push(cell);
        cell = "";
        i++;
        continue;
      }
      cells.push(cell);
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      line++;
      break;
    }
    if (!(cells.length === 1 && cells[0]!.trim() === "")) records.push({ line: start, cells });
  }
  return { records, truncated: false, unterminated: null };
}

export interface CsvImportResult {
  added: number;
  changed: number;
  unchanged: number;
  /** Patterns the file named twice (merged into one row, the strongest action kept). */
  merged: number;
}

/** A refused import: a message per line (at most 50 shown), nothing stored. */
function importRefused(lineErrors: string[]): never {
  const shown = lineErrors.slice(0, 50);
  const more = lineErrors.length - shown.length;
  const message = `Nothing was imported: ${lineErrors.length === 1 ? "one line needs" : `${lineErrors.length.toLocaleString("en")} lines need`} fixing.`;
  throw Invalid(message, { file: more > 0 ? [...shown, `…and ${more.toLocaleString("en")} more.`] : shown });
}

/**
 * Imports a CSV with the header `pattern,action` (action block, hold or flag; "hold for review"
 * also reads as hold). All or nothing: any bad line refuses the whole file with a message per line
 * and nothing is stored. A pattern the file names twice is merged (the strongest action wins); a
 * pattern already on the list takes the file's action.
 */
export async function importWatchedCsv(app: AppContext, viewer: Actor | null, scope: WatchedScope, file: { text: string; bytes: number }): Promise<CsvImportResult> {
  const actor = requireActor(viewer);
  const owner = await resolveScope(app, actor, scope);
  if (file.bytes > WATCHED_CSV_MAX_BYTES) {
    const limit = `${WATCHED_CSV_MAX_BYTES / 1024} KiB`;
    throw TooLarge(`That file is over ${limit}. Split it into smaller files.`, { file: [`That file is over ${limit}. Split it into smaller files.`] });
  }
  const parsed = parseCsv(file.text, WATCHED_CSV_MAX_ROWS + 1);
  if (parsed.unterminated !== null) importRefused([`Line ${parsed.unterminated}: a quoted cell is never closed.`]);
  const [header, ...rows] = parsed.records;
  const headerCells = header?.cells.map((c) => c.trim().toLowerCase());
  if (!headerCells || headerCells.length !== 2 || headerCells[0] !== "pattern" || headerCells[1] !== "action") {
    importRefused([`Line ${header?.line ?? 1}: the first line must be the header "pattern,action".`]);
  }
  if (parsed.truncated || rows.length > WATCHED_CSV_MAX_ROWS) importRefused([`The file has more than ${WATCHED_CSV_MAX_ROWS.toLocaleString("en")} words. Split it into smaller files.`]);
  if (rows.length === 0) importRefused(["The file has no words under its header."]);

  const errors: string[] = [];
  const wanted = new Map<string, WatchedAction>();
  let merged = 0;
  for (const { line, cells } of rows) {
    if (cells.length !== 2) {
      errors.push(`Line ${line}: expected 2 cells (pattern,action), found ${cells.length}.`);
      continue;
    }
    const pattern = parsePattern(cells[0]!);
    const rawAction = cells[1]!.trim().toLowerCase();
    const action = (rawAction === "hold for review" ? "hold" : rawAction) as WatchedAction;
    if (!pattern.ok) errors.push(`Line ${line}: ${pattern.error}`);
    if (!watchedActions.includes(action)) errors.push(`Line ${line}: the action must be block, hold or flag.`);
    if (!pattern.ok || !watchedActions.includes(action)) continue;
    const before = wanted.get(pattern.pattern);
    if (before) merged++;
    if (!before || actionStrength[action] > actionStrength[before]) wanted.set(pattern.pattern, action);
  }
  if (errors.length) importRefused(errors);

  return app.db.transaction(async (tx) => {
    await lockList(tx, owner.organizationId);
    const existing = await tx
      .select({ id: watchedWords.id, pattern: watchedWords.pattern, action: watchedWords.action })
      .from(watchedWords)
      .where(and(ownList(owner.organizationId), inArray(watchedWords.pattern, [...wanted.keys()])));
    const byPattern = new Map(existing.map((e) => [e.pattern, e]));
    const fresh = [...wanted].filter(([p]) => !byPattern.has(p));
    const changes = [...wanted].filter(([p, a]) => byPattern.has(p) && byPattern.get(p)!.action !== a);
    if ((await listSize(tx, owner.organizationId)) + fresh.length > WATCHED_LIST_MAX) {
      importRefused([`The list would have more than ${WATCHED_LIST_MAX.toLocaleString("en")} words. Remove some first or import fewer.`]);
    }
    for (let k = 0; k < fresh.length; k += 500) {
      await tx.insert(watchedWords).values(
        fresh.slice(k, k + 500).map(([pattern, action]) => ({ id: newId(), organizationId: owner.organizationId, pattern, action, createdBy: actor.id })),
      );
    }
    for (const action of watchedActions) {
      const ids = changes.filter(([, a]) => a === action).map(([p]) => byPattern.get(p)!.id);
      if (ids.length) await tx.update(watchedWords).set({ action }).where(inArray(watchedWords.id, ids));
    }
    const result = { added: fresh.length, changed: changes.length, unchanged: wanted.size - fresh.length - changes.length, merged };
    await audit(tx, actor, owner, "watched.import", owner.organizationId ?? "site", result);
    return result;
  });
}

/** The list as CSV (`pattern,action`), formula-safe like every export (toCsv). */
export async function exportWatchedCsv(app: AppContext, viewer: Actor | null, scope: WatchedScope) {
  const { owner, words } = await listWatchedWords(app, viewer, scope);
  return { owner, csv: toCsv([["pattern", "action"], ...words.map((w) => [w.pattern, w.action])]) };
}

// ── the test box ───────────────────────────────────────────────────────────────────────────────

/** Which words a sample text would trigger, and what each would do (an organization's test box includes the site's words). */
export async function testSample(app: AppContext, viewer: Actor | null, scope: WatchedScope, sample: string) {
  const owner = await resolveScope(app, viewer, scope);
  const { matched } = hitsOf(await loadWords(app.db, owner.organizationId), [sample]);
  return matched
    .sort((a, b) => actionStrength[b.action] - actionStrength[a.action] || a.pattern.localeCompare(b.pattern))
    .map((w) => ({ pattern: w.pattern, action: w.action, source: w.source, summary: `${watchedActionLabels[w.action].verb}: '${w.pattern}'` }));
}
