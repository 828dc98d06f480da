import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * A capability split into one file per job (forums, events, moderation) keeps the helpers its files
 * share in `app/modules/<cap>/common.server.ts`, private to that folder (docs/decisions/0015): code
 * outside the folder imports the file that does the job, never the shared helpers.
 */
const root = resolve(import.meta.dirname, "../..");
const modules = join(root, "app", "modules");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("#app/")) base = join(root, "app", spec.slice("#app/".length));
  else if (spec.startsWith(".")) base = resolve(dirname(from), spec);
  else return null; // a package, #db or #tests: never a module's private file
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The imports of `source` (a file at `file`) that reach another capability's common.server.ts. */
export function foreignPrivateImports(file: string, source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => resolveImport(file, f.fileName))
    .filter((target): target is string => {
      if (!target || !target.endsWith(`${sep}common.server.ts`) || !target.startsWith(modules + sep)) return false;
      return dirname(target) !== dirname(file);
    })
    .map((target) => relative(root, target));
}

describe("module-private helpers", () => {
  it("no file outside a capability folder imports its common.server.ts", () => {
    const files = [...["app", "tests", "bench", "db"].flatMap((d) => sourceFiles(join(root, d))), join(root, "server.ts")];
    const offenders = files.flatMap((file) =>
      foreignPrivateImports(file, readFileSync(file, "utf8")).map((target) => `${relative(root, file)} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it("flags a route that reaches into a module's shared helpers, and lets the module's own files use them", () => {
    const route = join(root, "app", "routes", "example.tsx");
    expect(foreignPrivateImports(route, `import { loadThread } from "#app/modules/forums/common.server";`)).toEqual([
      join("app", "modules", "forums", "common.server.ts"),
    ]);
    const own = join(modules, "forums", "posts.server.ts");
    expect(foreignPrivateImports(own, `import { loadPost } from "./common.server";`)).toEqual([]);
  });
});
