import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { actions } from "#app/policy.server";

/**
 * Every action in the policy is walked by some matrix test (action × role × public/private group).
 * The older matrices each assert that they cover every action under their prefix (a
 * `startsWith("<prefix>")` filter compared with their expected table); this test checks that each
 * such matrix exists and says so, and that no action falls outside every matrix.
 */
const prefixMatrices: Record<string, string[]> = {
  "policy.test.ts": ["group."],
  "policy-forums.test.ts": ["forum.", "post."],
  "policy-chat.test.ts": ["chat."],
  "policy-events.test.ts": ["event."],
  "policy-library.test.ts": ["library."],
  "policy-organizations.test.ts": ["organization."],
  "policy-moderation.test.ts": ["moderation.", "account.", "member."],
  "policy-profile.test.ts": ["profile."],
  "policy-blocks.test.ts": ["block."],
  "policy-dm.test.ts": ["dm."],
  "policy-safety.test.ts": ["safety.", "draft."],
};

describe("policy coverage", () => {
  it("each prefix matrix exists and checks it covers every action under its prefix", () => {
    for (const [file, prefixes] of Object.entries(prefixMatrices)) {
      const source = readFileSync(path.join(import.meta.dirname, file), "utf8");
      for (const p of prefixes) expect(source, `${file} filters on ${p}`).toContain(`startsWith("${p}")`);
    }
  });

  it("every action in the policy is covered by a matrix", () => {
    const prefixes = Object.values(prefixMatrices).flat();
    const uncovered = actions.filter((a) => !prefixes.some((p) => a.startsWith(p)));
    expect(uncovered).toEqual([]);
  });
});
