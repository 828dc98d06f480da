import { EventEmitter } from "node:events";
import { PgBoss, type ConstructorOptions, type Queue } from "pg-boss";
import type { DatabaseHandle } from "#db/client";
import type { AppContext } from "#app/lib/app-context.server";
import { log, logError } from "#app/lib/log.server";
import { jobHandlers, type JobName, type JobPayload } from "./handlers.server";
import { SWEEP_INTERVAL_MS } from "./sweep.server";

export interface EnqueueOptions {
  /** Run no earlier than this. */
  runAt?: Date;
  /**
   * Idempotency key: on a queue whose policy is "exclusive" (set in the job's `queue` options), while a
   * job with this key is queued or running another enqueue with it is dropped. Standard queues ignore it
   * for deduplication (pg-boss); their handlers are idempotent on their own.
   */
  key?: string;
}

/**
 * The one background-job interface (DESIGN.md §8), over pg-boss in the app's own database: real
 * Postgres, or the embedded PGlite through a small adapter, so both modes run the same queue and the
 * same handlers. Every node shares the queue; a job is taken by one worker. Handlers re-check
 * permissions when they run and are idempotent (see ./handlers.server.ts).
 */
export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<void>;
  /** Many jobs of one name in one insert per 500 (a fan-out's e-mails): keys behave as in enqueue. */
  enqueueMany<N extends JobName>(name: N, jobs: readonly ({ payload: JobPayload<N> } & EnqueueOptions)[]): Promise<void>;
  /** Start the workers for every handler (server.ts at start-up; tests that run jobs). */
  start(app: AppContext): Promise<void>;
  /** Stop taking jobs, let running ones finish (bounded), and close the queue's connections. */
  stop(): Promise<void>;
  /** How many jobs of this name finished (done or failed) in this process: for tests' waitFor. */
  settledCount(name: JobName): number;
  /** Resolves once `settledCount(name)` reaches `count`: tests await a job, never a sleep. */
  waitFor(name: JobName, count: number): Promise<void>;
}

/** PGlite speaks SQL in-process; pg-boss needs every statement's rows from a multi-statement query. */
function pgliteAdapter(handle: DatabaseHandle): ConstructorOptions["db"] {
  const pglite = handle.pglite!;
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return { rows: (await pglite.query(text, values)).rows as unknown[] };
      // A script without parameters (pg-boss sends several statements at once): every statement's rows, in order.
      return { rows: (await pglite.exec(text)).flatMap((r) => r.rows) };
    },
  };
}

export function createJobQueue(handle: DatabaseHandle, options: { pollingIntervalSeconds?: number } = {}): JobQueue {
  const settled = new Map<string, number>();
  const events = new EventEmitter();
  const polling = options.pollingIntervalSeconds ?? 1;
  let starting: Promise<PgBoss> | null = null;
  let stopped = false;
  let ticker: NodeJS.Timeout | null = null;

  // Started on first use, so tests and tools that never queue a job pay nothing for it.
  const ready = () => {
    starting ??= (async () => {
      const b = new PgBoss(
        handle.kind === "pglite"
          ? { db: pgliteAdapter(handle), schema: "pgboss", supervise: true, schedule: false }
          : { connectionString: handle.url!, max: 3, schema: "pgboss", schedule: false },
      );
      // pg-boss reports maintenance and polling failures here; never its message (it may hold SQL values).
      b.on("error", (e) => logError("job queue error", e, { route: "jobs" }));
      await b.start();
      for (const name of Object.keys(jobHandlers) as JobName[]) {
        const { queue } = jobHandlers[name] as { queue?: Omit<Queue, "name"> };
        await b.createQueue(name, { retryLimit: 3, retryDelay: 30, retryBackoff: true, ...queue });
      }
      return b;
    })();
    return starting;
  };

  return {
    async enqueue(name, payload, { runAt, key } = {}) {
      const parsed = jobHandlers[name].payload.parse(payload);
      const b = await ready();
      await b.send(name, parsed as object, { startAfter: runAt, singletonKey: key });
    },

    async enqueueMany(name, jobs) {
      if (jobs.length === 0) return;
      const rows = jobs.map(({ payload, runAt, key }) => ({ data: jobHandlers[name].payload.parse(payload) as object, startAfter: runAt, singletonKey: key }));
      const b = await ready();
      for (let i = 0; i < rows.length; i += 500) await b.insert(name, rows.slice(i, i + 500));
    },

    async start(app) {
      const b = await ready();
      for (const name of Object.keys(jobHandlers) as JobName[]) {
        const { payload, run } = jobHandlers[name];
        await b.work(name, { pollingIntervalSeconds: polling, batchSize: 1 }, async ([job]) => {
          try {
            // Payloads are parsed again when they run: a job queued by an older version may differ.
            await (run as (app: AppContext, p: unknown) => Promise<void>)(app, payload.parse(job!.data));
          } catch (e) {
            logError("job failed", e, { route: `job:${name}` });
            throw e; // pg-boss retries it
          } finally {
            settled.set(name, (settled.get(name) ?? 0) + 1);
            events.emit("settled");
          }
        });
      }
      // Every node queues the minute's sweep under one key, so one runs at a time (sweep.server.ts).
      ticker = setInterval(() => {
        b.send("jobs.sweep", {}, { singletonKey: "sweep" }).catch((e: unknown) => logError("sweep not queued", e, { route: "jobs" }));
      }, SWEEP_INTERVAL_MS);
      ticker.unref();
      log.debug("job workers started", { queues: Object.keys(jobHandlers).length });
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      if (ticker) clearInterval(ticker);
      if (!starting) return;
      const b = await starting.catch(() => null);
      await b?.stop({ graceful: true, timeout: 5000, close: true });
    },

    settledCount: (name) => settled.get(name) ?? 0,

    waitFor(name, count) {
      return new Promise((resolve) => {
        const check = () => {
          if ((settled.get(name) ?? 0) < count) return;
          events.off("settled", check);
          resolve();
        };
        events.on("settled", check);
        check();
      });
    },
  };
}
