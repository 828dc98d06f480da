import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * PDF text per page, extracted with unpdf (pdf.js) in a worker thread, because a hostile file must
 * not take the server down with it: the worker has its own heap limit, a wall-clock timeout
 * (terminate), and a bound on the process's memory while it runs (pdf.js decodes streams into
 * ArrayBuffers, which the heap limit does not count: a deflate bomb is stopped by the watchdog).
 * Pages and text are cut at the limits, never failed for being long.
 */

export interface ExtractLimits {
  maxPages: number;
  maxPageChars: number;
  maxTotalChars: number;
  timeoutMs: number;
  heapMb: number;
  /** The worker is stopped when the process's RSS grows by more than this while it runs. */
  growthMb: number;
}

export const EXTRACT_LIMITS: ExtractLimits = {
  maxPages: 300,
  maxPageChars: 200_000,
  maxTotalChars: 2_000_000,
  timeoutMs: 15_000,
  heapMb: 128,
  growthMb: 384,
};

export type ExtractOutcome = { ok: true; pages: string[] } | { ok: false; reason: "timeout" | "memory" | "unreadable" | "crashed" };

// The worker is eval'd source (no separate file for the bundler to lose); it imports unpdf by the
// absolute URL resolved here. Only its pages (or an error's name) come back, never content in errors.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { bytes, unpdfUrl, limits } = workerData;
(async () => {
  const { getDocumentProxy } = await import(unpdfUrl);
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false });
  const pages = [];
  let total = 0;
  const count = Math.min(pdf.numPages, limits.maxPages);
  for (let n = 1; n <= count && total < limits.maxTotalChars; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    const room = Math.min(limits.maxPageChars, limits.maxTotalChars - total);
    let text = "";
    for (const item of content.items) {
      if (typeof item.str !== "string") continue;
      text += item.str + (item.hasEOL ? "\\n" : " ");
      if (text.length >= room) break;
    }
    text = text.slice(0, room);
    total += text.length;
    pages.push(text);
    page.cleanup();
  }
  await pdf.loadingTask.destroy();
  parentPort.postMessage({ ok: true, pages });
})().catch((e) => parentPort.postMessage({ ok: false, error: e && e.name ? String(e.name) : "Error" }));
`;

let unpdfUrl: string | null = null;
const unpdfLocation = () => (unpdfUrl ??= pathToFileURL(createRequire(import.meta.url).resolve("unpdf")).href);

/** Control characters and NULs (Postgres text refuses \0), lone surrogates, runs of spaces. */
function cleanText(text: string): string {
  return text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n[ \n]*/g, "\n")
    .trim();
}

export function extractPdfText(bytes: Uint8Array, limits: ExtractLimits = EXTRACT_LIMITS): Promise<ExtractOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const copy = new Uint8Array(bytes); // its own buffer, moved to the worker
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { bytes: copy.buffer, unpdfUrl: unpdfLocation(), limits },
      transferList: [copy.buffer],
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 32, codeRangeSizeMb: 32, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    // pdf.js warns on stdout about broken files: drained, never logged (it may quote the file).
    worker.stdout.resume();
    worker.stderr.resume();
    const baseline = process.memoryUsage.rss();
    const finish = (outcome: ExtractOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      void worker.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: "timeout" }), limits.timeoutMs);
    const watchdog = setInterval(() => {
      if (process.memoryUsage.rss() - baseline > limits.growthMb * 1024 * 1024) finish({ ok: false, reason: "memory" });
    }, 50);
    worker.on("message", (m: { ok: true; pages: string[] } | { ok: false }) => {
      if (!m.ok) return finish({ ok: false, reason: "unreadable" });
      const pages = Array.isArray(m.pages) ? m.pages.map((p) => cleanText(String(p))) : [];
      finish({ ok: true, pages });
    });
    worker.on("error", (e: Error & { code?: string }) =>
      finish({ ok: false, reason: e.code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "crashed" }),
    );
    worker.on("exit", () => finish({ ok: false, reason: "crashed" }));
  });
}
