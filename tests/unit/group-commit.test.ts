import { describe, expect, it } from "vitest";
import { groupCommit } from "#app/lib/group-commit.server";

/** A run whose calls stay open until released, so the test decides when a statement "finishes". */
function controlledRun() {
  const calls: { key: string; items: number[]; release: () => void }[] = [];
  const run = (key: string, items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ key, items, release: () => (items.includes(-1) ? reject(new Error("bad item")) : resolve(items.map((n) => `${key}:${n}`))) });
    });
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { calls, run, settle };
}

describe("groupCommit", () => {
  it("runs a lone call at once, and the calls that waited for it together, in arrival order", async () => {
    const { calls, run, settle } = controlledRun();
    const send = groupCommit(run, { max: 10 });
    const first = send("room", 1);
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => send("room", n));
    const other = send("other", 9); // another key never waits for this one
    expect(calls.map((c) => c.items)).toEqual([[1], [9]]);
    calls[0]!.release();
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [9], [2, 3, 4]]);
    calls[1]!.release();
    calls[2]!.release();
    expect(await Promise.all([first, ...rest, other])).toEqual(["room:1", "room:2", "room:3", "room:4", "other:9"]);
  });

  it("cuts a batch at max and where `fits` refuses, keeping the order", async () => {
    const { calls, run, settle } = controlledRun();
    const send = groupCommit(run, { max: 3, fits: (batch, next) => !batch.includes(next) });
    const all = [1, 2, 3, 4, 5, 5, 6].map((n) => send("k", n));
    for (let i = 0; i < 4; i++) {
      calls[i]!.release();
      await settle();
    }
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4], [5], [5, 6]]);
    await Promise.all(all);
  });

  it("runs each call of a failed batch again alone, so only the bad one fails", async () => {
    const { calls, run, settle } = controlledRun();
    const send = groupCommit(run, { max: 10 });
    const results = [0, 7, -1, 8].map((n) => send("k", n).catch((e: Error) => e.message));
    calls[0]!.release();
    await settle();
    calls[1]!.release(); // [7, -1, 8] fails as a batch
    for (let i = 2; i < 5; i++) {
      await settle();
      calls[i]!.release();
    }
    expect(await Promise.all(results)).toEqual(["k:0", "k:7", "bad item", "k:8"]);
    expect(calls.map((c) => c.items)).toEqual([[0], [7, -1, 8], [7], [-1], [8]]);
  });
});
