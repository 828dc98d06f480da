import { hash, verify } from "@node-rs/argon2";
import { DomainError } from "./errors";

/**
 * argon2id with the OWASP parameters set explicitly (19 MiB, t=2, p=1): the library defaults
 * differ between versions and we want the documented baseline.
 */
const ARGON2ID = 2; // Algorithm.Argon2id; the enum is a const enum that isolatedModules can't import.
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Each hash holds 19 MiB and a core for ~50 ms, so a sign-in flood could exhaust the machine.
 * At most MAX_CONCURRENT run at once and at most MAX_QUEUED wait; the rest are told to retry.
 */
const MAX_CONCURRENT = 4;
const MAX_QUEUED = 64;
let running = 0;
const waiting: Array<() => void> = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) {
    if (waiting.length >= MAX_QUEUED) {
      throw new DomainError("busy", "The server is busy. Please try again in a moment.", undefined, 5);
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running += 1;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next(); // hand the slot over without releasing it
    else running -= 1;
  }
}

export function hashPassword(password: string): Promise<string> {
  return withHashSlot(() => hash(password, OPTIONS));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return withHashSlot(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false; // malformed stored hash: treat as a mismatch, never a 500
    }
  });
}

/** A real hash to verify against when the account doesn't exist, so both paths take the same time. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash("hearth-timing-equaliser", OPTIONS);
  return dummyHash;
}
