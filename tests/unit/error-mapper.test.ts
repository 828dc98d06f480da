import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Conflict, DomainError, Forbidden, Invalid, NotFound, RateLimited, TooLarge, Unauthenticated, type ErrorCode } from "#app/lib/errors";
import { actionFailure, actionSuccess, errorReply, requireParams, toResponse } from "#app/lib/http.server";
import { answer } from "#app/realtime/ack.server";

/** The one mapper from domain errors to HTTP responses, action results and socket acks. */
const cases: [DomainError, ErrorCode, number][] = [
  [NotFound("That group"), "not_found", 404],
  [Forbidden(), "forbidden", 403],
  [Invalid("Please check the form.", { title: ["Please give a title."] }), "invalid", 400],
  [Conflict("Already done."), "conflict", 409],
  [RateLimited("You are posting very quickly.", 120), "rate_limited", 429],
  [Unauthenticated(), "unauthenticated", 401],
  [new DomainError("busy", "The server is busy.", undefined, 5), "busy", 503],
  [TooLarge("That file is larger than 10 MB.", { file: ["That file is larger than 10 MB."] }), "too_large", 413],
];

async function ackOf(e: unknown) {
  let got: unknown;
  await answer((r: unknown) => (got = r), () => {
    throw e;
  });
  return got;
}

describe("errorReply: one table for every transport", () => {
  it.each(cases)("%s → %s %i", async (e, code, status) => {
    expect(errorReply(e)).toMatchObject({ code, status, plainMessage: e.message });
    expect(toResponse(e).status).toBe(status);
    expect(await toResponse(e).json()).toEqual({ ok: false, message: e.message });
    const failure = actionFailure(e);
    expect(failure.status).toBe(status);
    expect((await failure.json()).ok).toBe(false);
    // The socket ack carries the same code and the domain message.
    expect(await ackOf(e)).toEqual({ ok: false, error: { code, message: e.message } });
  });

  it("a rate limit tells how long to wait (HTTP) and sets Retry-After", async () => {
    const e = RateLimited("You are posting very quickly.", 120);
    const failure = actionFailure(e);
    expect(failure.headers.get("Retry-After")).toBe("120");
    expect(await failure.json()).toEqual({ ok: false, message: "You are posting very quickly. Please try again in 2 minutes." });
    expect(toResponse(e).headers.get("Retry-After")).toBe("120");
  });

  it("field errors reach the action result; extra keys tell a page's forms apart", async () => {
    const failure = actionFailure(Invalid("Please check the form.", { title: ["Please give a title."] }), { form: "team" });
    expect(await failure.json()).toEqual({ ok: false, form: "team", message: "Please check the form.", fieldErrors: { title: ["Please give a title."] } });
    const done = actionSuccess("Saved.", { form: "team" });
    expect(await done.json()).toEqual({ ok: true, form: "team", message: "Saved." });
  });

  it("anything that is not a domain error is rethrown by actions and answered generically on sockets", async () => {
    const bug = new TypeError("boom");
    expect(() => actionFailure(bug)).toThrow(bug);
    expect(await ackOf(bug)).toEqual({ ok: false, error: { code: "internal", message: "Something went wrong. Please try again." } });
  });
});

describe("requireParams", () => {
  const Schema = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,60}$/) });
  it("returns the parsed params", () => {
    expect(requireParams({ slug: "cervical-dystonia" }, Schema)).toEqual({ slug: "cervical-dystonia" });
  });
  it.each([{ slug: "<script>" }, { slug: undefined }, {}])("throws a 404 Response for %j", async (params) => {
    let thrown: unknown;
    try {
      requireParams(params, Schema);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
    expect(await (thrown as Response).json()).toEqual({ ok: false, message: "That page could not be found." });
  });
  it("answers another way where a route says so", () => {
    try {
      requireParams({ slug: "UPPER" }, Schema, () => Invalid("That request was not understood."));
      expect.unreachable();
    } catch (e) {
      expect((e as Response).status).toBe(400);
    }
  });
});
