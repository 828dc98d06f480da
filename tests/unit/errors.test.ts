import { describe, expect, it } from "vitest";
import { DomainError, isDomainError, NotFound, RateLimited } from "#app/lib/errors";

/** Issue 11: one copy of the app per process, so a domain error is recognised by its class alone. */
describe("isDomainError", () => {
  it("knows the errors the domain throws", () => {
    expect(isDomainError(NotFound("That thread"))).toBe(true);
    expect(isDomainError(RateLimited("Slow down.", 5))).toBe(true);
    expect(isDomainError(new DomainError("busy", "Try again."))).toBe(true);
  });

  it("does not take an error that only looks like one (no matching by shape)", () => {
    const lookalike = Object.assign(new Error("That thread could not be found."), { name: "DomainError", code: "not_found" });
    expect(isDomainError(lookalike)).toBe(false);
    expect(isDomainError({ name: "DomainError", code: "forbidden", message: "No." })).toBe(false);
  });
});
