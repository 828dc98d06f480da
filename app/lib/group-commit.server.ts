/**
 * Group commit, per key: a call arrives while an earlier call for the same key is still running, so
 * it waits, and every call that waited runs together as one (`run` gets them in arrival order and
 * answers each, by position). An idle key runs at once, so a lone call waits for nothing. The chat
 * send path uses it per room: the room's seq row lock makes its sends take turns in the database
 * anyway, and one statement for all the waiting ones takes the lock once instead of once each
 * (docs/decisions/0029-chat-sends-group-commit.md).
 *
 * If a batch of several fails, each of its calls runs again alone, so one bad call (a clientId
 * that lost a race) fails only itself.
 */
export function groupCommit<T, R>(
  run: (key: string, items: T[]) => Promise<R[]>,
  opts: { max: number; fits?: (batch: readonly T[], next: T) => boolean },
) {
  type Pending = { item: T; resolve: (r: R) => void; reject: (e: unknown) => void };
  const waiting = new Map<string, Pending[]>();
  const running = new Set<string>();

  function take(queue: Pending[]) {
    const batch: Pending[] = [];
    while (queue.length && batch.length < opts.max && (!opts.fits || opts.fits(batch.map((p) => p.item), queue[0]!.item))) batch.push(queue.shift()!);
    // `fits` may refuse the first one (nothing to fit with): it runs alone.
    if (!batch.length) batch.push(queue.shift()!);
    return batch;
  }

  async function runAlone(key: string, p: Pending) {
    try {
      const [r] = await run(key, [p.item]);
      p.resolve(r!);
    } catch (e) {
      p.reject(e);
    }
  }

  async function drain(key: string, queue: Pending[]) {
    running.add(key);
    try {
      while (queue.length) {
        const batch = take(queue);
        if (batch.length === 1) {
          await runAlone(key, batch[0]!);
          continue;
        }
        let results: R[];
        try {
          results = await run(key, batch.map((p) => p.item));
        } catch {
          for (const p of batch) await runAlone(key, p);
          continue;
        }
        batch.forEach((p, i) => p.resolve(results[i]!));
      }
    } finally {
      running.delete(key);
      waiting.delete(key);
    }
  }

  return (key: string, item: T) =>
    new Promise<R>((resolve, reject) => {
      let queue = waiting.get(key);
      if (!queue) waiting.set(key, (queue = []));
      queue.push({ item, resolve, reject });
      if (!running.has(key)) void drain(key, queue);
    });
}
