import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Walks app/routes/** and fails when a route bypasses the one action/error format
 * (app/lib/action-result.ts, app/lib/http.server.ts) or reads its params without requireParams.
 */
const root = join(import.meta.dirname, "../../app/routes");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : /\.tsx?$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

/** Source without comments, so a rule quoted in a comment is not a violation. */
function code(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

export const rules: { name: string; test: (src: string) => string | null }[] = [
  {
    name: "params are read only through requireParams(params, schema)",
    test: (src) => {
      const rest = src
        .replace(/\b(?:URLSearchParams|searchParams)\b/g, "")
        .replace(/requireParams\(params\b/g, "")
        .replace(/\(\{[^}]*\}\s*:\s*(?:Loader|Action)FunctionArgs\)/g, "");
      const m = /.{0,30}\bparams\b.{0,30}/.exec(rest);
      return m ? m[0] : null;
    },
  },
  {
    name: "action results come from actionSuccess/actionFailure (no hand-written { ok: … })",
    test: (src) => /\bok:\s*(?:true|false)\b.{0,40}/.exec(src)?.[0] ?? null,
  },
  {
    name: "error statuses come from the mapper (no literal 4xx/5xx status, no thrown hand-made Response)",
    test: (src) => /(?:\bstatus:\s*[45]\d\d|throw new Response\().{0,40}/.exec(src)?.[0] ?? null,
  },
  {
    name: "domain errors are mapped only in app/lib/http.server.ts (no isDomainError/httpStatusOf/toResponse in routes)",
    test: (src) => /\b(?:isDomainError|httpStatusOf|toResponse)\b.{0,30}/.exec(src)?.[0] ?? null,
  },
  {
    name: "actions read their body through readForm (a non-form POST is a 415, not a 500)",
    test: (src) => /request\.(?:formData|json|text)\(\).{0,20}/.exec(src)?.[0] ?? null,
  },
  {
    name: "Conform replies go through formInvalid/formFailure (status set by the mapper)",
    test: (src) => /submission\.reply\([^)]*\)[^;\n]*\{\s*status.{0,20}/.exec(src)?.[0] ?? null,
  },
];

const files = walk(root).map((f) => ({ path: relative(root, f), src: code(f) }));

describe("route files use the one action result, error mapper and params helper", () => {
  it("finds the route files", () => {
    expect(files.length).toBeGreaterThan(30);
  });
  for (const rule of rules) {
    it(rule.name, () => {
      const offenders = files.flatMap((f) => {
        const hit = rule.test(f.src);
        return hit ? [`${f.path}: ${hit.trim()}`] : [];
      });
      expect(offenders).toEqual([]);
    });
  }
  it("every loader that reaches a module maps its domain errors through loaderWork", () => {
    const offenders = files
      .filter((f) => {
        const loader = /export async function loader\([\s\S]*?\n\}/.exec(f.src)?.[0] ?? "";
        return loader.includes("context.app") && !loader.includes("loaderWork(");
      })
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });
  it("every route whose loader or action receives params calls requireParams", () => {
    const offenders = files
      .filter((f) => /\(\{[^}]*\bparams\b[^}]*\}\s*:\s*(?:Loader|Action)FunctionArgs\)/.test(f.src) && !f.src.includes("requireParams(params"))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });
});

describe("the rules catch what they are for", () => {
  const offends = (src: string) => rules.filter((r) => r.test(src)).map((r) => r.name);
  it("flags each bypass", () => {
    expect(offends(`export async function loader({ params }: LoaderFunctionArgs) { return params.slug; }`)).toHaveLength(1);
    expect(offends(`return json({ ok: false, message: "x" }, { status: 400 });`)).toHaveLength(2);
    expect(offends(`throw new Response("Not found", { status: 404 });`)).toHaveLength(1);
    expect(offends(`if (!isDomainError(e)) throw e;`)).toHaveLength(1);
    expect(offends(`return json(submission.reply(), { status: 400 });`)).toHaveLength(2);
    expect(offends(`const form = await request.formData();`)).toHaveLength(1);
  });
  it("lets the helpers through", () => {
    const ok = `export async function loader({ params, request }: LoaderFunctionArgs) {
      const { slug } = requireParams(params, z.object({ slug: GroupSlugSchema }));
      const q = new URL(request.url).searchParams; return actionFailure(e); }`;
    expect(offends(ok)).toEqual([]);
  });
});
