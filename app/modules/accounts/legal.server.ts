import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AppContext } from "#app/lib/app-context.server";
import { renderGuide, type GuideHeading } from "#app/lib/markdown.server";

export const LEGAL_DOCUMENTS = {
  privacy: { title: "Privacy notice" },
  terms: { title: "Terms of use" },
  guidelines: { title: "Community guidelines" },
} as const;
export type LegalDocumentName = keyof typeof LEGAL_DOCUMENTS;

export interface LegalDocument {
  name: LegalDocumentName;
  title: string;
  /** A short hash of the exact text: what a consent record names, so we can show what was agreed to. */
  version: string;
  /** The "Last updated: …" first line, if the text has one. */
  updated: string | null;
  html: string;
  headings: GuideHeading[];
  /** Whether the site admin replaced the default (DATA_DIR/legal/<name>.md). */
  replaced: boolean;
}

function versionOf(source: string): string {
  return createHash("sha256").update(source.replace(/\r\n/g, "\n").trim()).digest("hex").slice(0, 12);
}

/**
 * The text in force: DATA_DIR/legal/<name>.md when the site admin put one there, else the default
 * in content/legal. Read on every request (a few KB), so a replaced file applies without a restart.
 */
async function sourceOf(app: AppContext, name: LegalDocumentName): Promise<{ source: string; replaced: boolean }> {
  try {
    const source = await readFile(path.join(app.config.DATA_DIR, "legal", `${name}.md`), "utf8");
    if (source.trim()) return { source, replaced: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  return { source: await readFile(path.join(defaultsDir(), `${name}.md`), "utf8"), replaced: false };
}

let defaults: string | null = null;
/**
 * content/legal in the checkout: found by walking up from this module, which sits in app/modules/…
 * when the sources run (tests, chat-only nodes) and in build/server/ when the build does, so both
 * read the same files (a Vite `?raw` import would not load outside Vite).
 */
function defaultsDir(): string {
  if (defaults) return defaults;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "content", "legal");
    if (existsSync(candidate)) return (defaults = candidate);
    if (path.dirname(dir) === dir) throw new Error("content/legal is missing from this installation");
  }
}

const UPDATED_LINE = /^\s*Last updated:\s*(.{1,80})\s*$/im;

export async function loadLegalDocument(app: AppContext, name: LegalDocumentName): Promise<LegalDocument> {
  const { source, replaced } = await sourceOf(app, name);
  const updated = UPDATED_LINE.exec(source.split("\n", 3).join("\n"))?.[1] ?? null;
  // The date line is shown above the text with the version, not twice.
  const body = updated ? source.replace(UPDATED_LINE, "") : source;
  const { html, headings } = renderGuide(body);
  return { name, title: LEGAL_DOCUMENTS[name].title, version: versionOf(source), updated, html, headings, replaced };
}

/** Just the versions in force (for recording consent). */
export async function legalVersions(app: AppContext): Promise<Record<LegalDocumentName, string>> {
  const names = Object.keys(LEGAL_DOCUMENTS) as LegalDocumentName[];
  const sources = await Promise.all(names.map((n) => sourceOf(app, n)));
  return Object.fromEntries(names.map((n, i) => [n, versionOf(sources[i]!.source)])) as Record<LegalDocumentName, string>;
}

export { versionOf as legalTextVersion };
