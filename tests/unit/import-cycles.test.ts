import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * No import cycles, type-only ones included, where they have bitten: between io.server.ts and the
 * socket handlers, and between a route module and its view. A cycle through app/realtime or a route
 * folder fails here with the files that form it.
 */
const root = resolve(import.meta.dirname, "../..");
const app = join(root, "app");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("#app/")) base = join(app, spec.slice("#app/".length));
  else if (spec.startsWith(".")) base = resolve(dirname(from), spec);
  else return null; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every import, export-from and dynamic import of each file, `import type` included. */
export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    graph.set(
      file,
      info.importedFiles.flatMap((f) => {
        const target = resolveImport(file, f.fileName);
        return target ? [target] : [];
      }),
    );
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe("import cycles", () => {
  const graph = importGraph(sourceFiles(app));
  const rel = (f: string) => relative(root, f);

  it("the walker sees a cycle when there is one (so the checks below can fail)", () => {
    const a = join(app, "a.ts");
    const b = join(app, "b.ts");
    const c = join(app, "c.ts");
    expect(cycles(new Map([[a, [b]], [b, [a, c]], [c, []]]))).toEqual([[a, b].sort()]);
    expect(cycles(new Map([[a, [b]], [b, [c]], [c, []]]))).toEqual([]);
    // A real edge type-only imports make: the handlers name the socket types without io.server.ts.
    const handlers = join(app, "realtime/chat-handlers.server.ts");
    expect(graph.get(handlers)).toContain(join(app, "realtime/socket-types.ts"));
  });

  it("none through app/realtime or a route folder, type-only imports included", () => {
    const watched = (f: string) => rel(f).startsWith("app/realtime/") || rel(f).startsWith("app/routes/");
    const found = cycles(graph)
      .filter((scc) => scc.some(watched))
      .map((scc) => scc.map(rel));
    expect(found).toEqual([]);
  });
});
