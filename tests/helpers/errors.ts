import { DomainError } from "#app/lib/errors";

/** "ok" when the promise resolves, else the DomainError's code; anything else is rethrown. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

/** The DomainError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
}
