import { describe, expect, it } from "vitest";
import { draftKey, readDraft, unsentOf, writeDraft } from "#app/components/chat/draft";

/** The composer's draft in the browser's storage (app/components/chat/draft.ts). */

/** A Storage with the same contract as the browser's (string values, null for a missing key). */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
    removeItem: (k: string) => void items.delete(k),
  };
}

describe("chat draft storage", () => {
  it("is keyed per person and per room", () => {
    expect(draftKey("u1", "r1")).not.toBe(draftKey("u2", "r1"));
    expect(draftKey("u1", "r1")).not.toBe(draftKey("u1", "r2"));
    const s = memoryStorage();
    writeDraft(s, draftKey("u1", "r1"), { text: "half a thought", unsent: [] });
    expect(readDraft(s, draftKey("u1", "r1")).text).toBe("half a thought");
    expect(readDraft(s, draftKey("u2", "r1"))).toEqual({ text: "", unsent: [] });
  });

  it("keeps unacked sends with their clientId, and removes the key once nothing is left", () => {
    const s = memoryStorage();
    const key = draftKey("u1", "r1");
    const unsent = unsentOf([{ clientId: "abcdefgh-1", body: "on its way", replyToId: "m-3", status: "sending", error: null }]);
    writeDraft(s, key, { text: "", unsent });
    expect(readDraft(s, key)).toEqual({ text: "", unsent: [{ clientId: "abcdefgh-1", body: "on its way", replyToId: "m-3" }] });
    writeDraft(s, key, { text: "", unsent: [] });
    expect(s.items.has(key)).toBe(false);
  });

  it("ignores unreadable or hostile stored values instead of failing", () => {
    const s = memoryStorage();
    const key = draftKey("u1", "r1");
    for (const raw of ["not json", "null", "[]", '{"text":5}', JSON.stringify({ text: "x", unsent: [{ clientId: "'; drop", body: "b" }] }), JSON.stringify({ text: "x", unsent: [{ clientId: "abcdefgh", body: "b".repeat(4001) }] })]) {
      s.items.set(key, raw);
      expect(readDraft(s, key)).toEqual({ text: "", unsent: [] });
    }
  });

  it("survives storage that refuses (private browsing, full)", () => {
    const refusing = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    };
    expect(readDraft(refusing, "k")).toEqual({ text: "", unsent: [] });
    expect(() => writeDraft(refusing, "k", { text: "x", unsent: [] })).not.toThrow();
    expect(readDraft(null, "k")).toEqual({ text: "", unsent: [] });
  });
});
