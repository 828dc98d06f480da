import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The audit log is append-only: no code path updates or deletes moderation_actions rows. */
const root = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "node_modules" ? [] : sourceFiles(full);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [full] : [];
  });
}

describe("audit log immutability", () => {
  it("no code in app/, db/ or server.ts updates or deletes moderation_actions", () => {
    const files = [...sourceFiles(path.join(root, "app")), ...sourceFiles(path.join(root, "db")).filter((f) => !f.includes(`${path.sep}migrations${path.sep}`)), path.join(root, "server.ts")];
    const offenders: string[] = [];
    const patterns = [
      /\.(update|delete)\(\s*moderationActions\b/,
      /\b(update|delete\s+from)\s+"?moderation_actions"?/i,
      /\b(update|delete\s+from)\s+\$\{\s*moderationActions\s*\}/i,
    ];
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const p of patterns) if (p.test(text)) offenders.push(`${path.relative(root, f)} matches ${p}`);
    }
    expect(files.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  it("the module that writes the log exposes an append and nothing else", async () => {
    const mod = await import("#app/modules/moderation/moderation.server");
    const names = Object.keys(mod).filter((n) => /moderationaction/i.test(n));
    expect(names).toEqual(["recordModerationAction"]);
  });
});
