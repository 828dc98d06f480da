import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "build-*/", "bench/bare-app/build/", "node_modules/", "data/", "test-results/", "playwright-report/", "db/migrations/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    // The design's dependency rules (DESIGN.md §7), enforced where a lint rule can see them.
    // Regexes, not globs: a leading "#" is a comment in gitignore-style globs.
    files: ["app/routes/**", "app/components/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: "^(#db/|(\\.\\./)+db/)", message: "Routes and components reach the database only through app/modules." }] }],
    },
  },
  {
    files: ["app/components/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: "(\\.server(\\.tsx?)?$|^#db/)", message: "Components must not import server-only code." }] }],
    },
  },
  {
    files: ["app/modules/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: "^#app/(routes|components|realtime)/", message: "Modules never import routes, components or realtime; take a publisher as an argument." }] }],
    },
  },
  {
    // server.ts runs the app's code only as loadAppCode loads it (the build, Vite's module graph, or
    // the sources when no Remix app is served): a value import here would be a second copy
    // (docs/decisions/0010). Types are fine.
    files: ["server.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ regex: "^(#app/|\\./app/|#db/seed)", allowTypeImports: true, message: "Take app code (and the seed, which hashes with it) from `runtime` (app/runtime.server.ts via loadAppCode), not by importing it." }] }],
    },
  },
  {
    // Types may point up (AppContext names the mailer and job queue that modules implement); code may not.
    files: ["app/lib/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ regex: "^#app/(modules|routes|realtime)/", allowTypeImports: true, message: "app/lib is below the modules; it imports none of their code." }] }],
    },
  },
);
