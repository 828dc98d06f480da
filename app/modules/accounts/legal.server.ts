import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "#app/lib/app-context.server";
import { renderGuide, type GuideHeading } from "#app/lib/markdown.server";
// The defaults are bundled into the build (?raw), so the pages work wherever the server runs.
import defaultGuidelines from "../../../content/legal/guidelines.md?raw";
import defaultPrivacy from "../../../content/legal/privacy.md?raw";
import defaultTerms from "../../../content/legal/terms.md?raw";

export const LEGAL_DOCUMENTS = {
  privacy: { title: "Privacy notice", source: defaultPrivacy },
  terms: { title: "Terms of use", source: defaultTerms },
  guidelines: { title: "Community guidelines", source: defaultGuidelines },
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
  return { source: LEGAL_DOCUMENTS[name].source, replaced: false };
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
