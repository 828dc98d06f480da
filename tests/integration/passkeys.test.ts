import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passkeys, users, webauthnChallenges } from "#db/schema/index";
import { PASSKEY_FAILED, PASSKEY_SIGN_IN_FAILED } from "#app/modules/accounts/passkeys.schema";
import { PASSKEY_EXPIRED, rpIdFor } from "#app/modules/accounts/passkeys.server";
import { REAUTH_FAILURES, REAUTH_NEEDED, verifyReauthentication, WRONG_PASSWORD } from "#app/modules/accounts/reauth.server";
import { createMember } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";
import { SoftAuthenticator } from "#tests/helpers/soft-authenticator";

type Member = Awaited<ReturnType<typeof createMember>>;
type Json = Record<string, unknown> & { message?: string; options?: Options };
type Options = { challenge: string; rp: { id?: string }; rpId?: string; user: { id: string }; excludeCredentials?: { id: string }[]; allowCredentials?: { id: string }[] };

/**
 * Passkeys through the real server (Express with its Origin check, the production Remix build):
 * a software authenticator (ES256, attestation "none") answers the server's real options. Every
 * bad, replayed, expired, forged or foreign answer is a 400 with a message, nothing is stored,
 * and no answer tells whether a credential exists.
 */
describe(`passkeys through the real routes on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let pia: Member, ravi: Member;
  let key: SoftAuthenticator;

  beforeAll(async () => {
    s = await startAppServer();
    [pia, ravi] = [await createMember(s.app, "Pia"), await createMember(s.app, "Ravi")];
    key = new SoftAuthenticator(s.url);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const as = (m: Member | null): Record<string, string> => (m ? { Cookie: s.cookie(m.token) } : {});
  async function reply(r: Response): Promise<{ status: number; body: Json | null }> {
    const body = r.headers.get("content-type")?.includes("json") ? ((await r.json()) as Json) : null;
    return { status: r.status, body };
  }
  async function options(purpose: string, m: Member | null): Promise<Options> {
    const r = await reply(await s.postForm("/passkeys/options", { purpose }, as(m)));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body!.options!;
  }
  const settings = (fields: Record<string, string>, m: Member | null = pia) =>
    s.postForm("/settings/passkeys?_data=routes/settings.passkeys", fields, as(m)).then(reply);
  const register = (response: unknown, m: Member = pia, name = "Pia's laptop") =>
    settings({ intent: "register", name, registrationResponse: typeof response === "string" ? response : JSON.stringify(response) }, m);
  const signIn = (response: unknown, redirectTo = "/groups") =>
    s.postForm("/passkeys/signin", { passkeyResponse: typeof response === "string" ? response : JSON.stringify(response), redirectTo });
  const rows = (userId = pia.id) => s.app.db.select().from(passkeys).where(eq(passkeys.userId, userId));
  const formErrors = (body: Json | null) => JSON.stringify(body?.error ?? body?.message ?? body);

  describe("registration", () => {
    it("stores the credential (public key, counter, transports, device type, backup) and excludes it next time", async () => {
      const opts = await options("register", pia);
      expect(opts.rp.id).toBe("127.0.0.1");
      const r = await register(key.register(opts));
      expect(r.status, formErrors(r.body)).toBe(200);
      const [row] = await rows();
      expect(row).toMatchObject({ id: key.id, name: "Pia's laptop", counter: 0, transports: ["internal"], deviceType: "singleDevice", backedUp: false });
      expect(row!.publicKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      const again = await options("register", pia);
      expect(again.excludeCredentials?.map((c) => c.id)).toEqual([key.id]);
    });

    it("refuses the same response replayed: its challenge was deleted when used", async () => {
      const opts = await options("register", pia);
      const other = new SoftAuthenticator(s.url);
      const response = other.register(opts);
      expect((await register(response)).status).toBe(200);
      const before = (await rows()).length;
      await s.app.db.delete(passkeys).where(eq(passkeys.id, other.id)); // even with the credential gone, the replay fails
      const replay = await register(response);
      expect(replay.status).toBe(400);
      expect(formErrors(replay.body)).toContain(PASSKEY_EXPIRED);
      expect((await rows()).length).toBe(before - 1);
    });

    const bad: [string, () => Promise<unknown>][] = [
      ["malformed JSON", async () => "{not json"],
      ["wrong types", async () => ({ id: 5, rawId: [], type: "public-key", response: "x" })],
      ["an empty object", async () => ({})],
      ["a clientDataJSON that is not base64url JSON", async () => ({ ...new SoftAuthenticator(s.url).register(await options("register", pia)), response: { clientDataJSON: "bm90IGpzb24", attestationObject: "AA" } })],
      ["a forged challenge", async () => new SoftAuthenticator(s.url).register({ ...(await options("register", pia)), challenge: "Zm9yZ2VkLWNoYWxsZW5nZQ" })],
      ["another origin", async () => new SoftAuthenticator(s.url).register(await options("register", pia), "https://evil.example")],
      ["another account's challenge", async () => new SoftAuthenticator(s.url).register(await options("register", ravi))],
      ["an expired challenge", async () => {
        const opts = await options("register", pia);
        await s.app.db.update(webauthnChallenges).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(webauthnChallenges.userId, pia.id));
        return new SoftAuthenticator(s.url).register(opts);
      }],
      ["a bad attestation object", async () => {
        const r = new SoftAuthenticator(s.url).register(await options("register", pia));
        return { ...r, response: { ...r.response, attestationObject: "AAAA" } };
      }],
    ];
    for (const [name, make] of bad) {
      it(`refuses ${name} with a 400 and a message, storing nothing`, async () => {
        const before = (await rows()).length;
        const r = await register(await make());
        expect(r.status).toBe(400);
        expect(formErrors(r.body)).toMatch(new RegExp(`${PASSKEY_FAILED}|${PASSKEY_EXPIRED}`.replace(/[.?]/g, "\\$&")));
        expect((await rows()).length).toBe(before);
      });
    }

    it("refuses an oversize response and an empty or 1 MB name with inline errors", async () => {
      const before = (await rows()).length;
      const big = await register("x".repeat(40_000));
      expect(big.status).toBe(400);
      expect(formErrors(big.body)).toContain(PASSKEY_FAILED);
      const opts = await options("register", pia);
      for (const name of ["", "   ", "n".repeat(1_000_000)]) {
        const r = await register(new SoftAuthenticator(s.url).register(opts), pia, name);
        expect(r.status).toBe(400);
        expect(formErrors(r.body)).toMatch(/Give this passkey a name|at most 60/);
      }
      expect((await rows()).length).toBe(before);
    });

    it("asks a visitor to sign in, and refuses a POST without this site's Origin", async () => {
      const visitor = await reply(await s.postForm("/passkeys/options", { purpose: "register" }));
      expect(visitor.status).toBe(401);
      const foreign = await s.postForm("/passkeys/options", { purpose: "signin" }, { Origin: "https://evil.example" });
      expect(foreign.status).toBe(403);
      const unknown = await reply(await s.postForm("/passkeys/options", { purpose: "<script>" }));
      expect(unknown.status).toBe(400);
      const json = await fetch(`${s.url}/passkeys/options`, { method: "POST", body: "{}", headers: { "Content-Type": "application/json", Origin: s.url } });
      expect(json.status).toBe(415);
    });
  });

  describe("sign-in (usernameless)", () => {
    it("signs in without an e-mail, goes where the person was going, moves the counter and lastUsedAt", async () => {
      const opts = await options("signin", null);
      expect(opts.allowCredentials ?? []).toEqual([]);
      const before = (await rows()).find((p) => p.id === key.id)!;
      const r = await signIn(key.assert(opts), "/groups");
      expect(r.status).toBe(302);
      expect(r.headers.get("location")).toBe("/groups");
      const token = /hearth_session=([^;]+)/.exec(r.headers.get("set-cookie") ?? "")?.[1];
      expect(token).toBeTruthy();
      const after = (await rows()).find((p) => p.id === key.id)!;
      expect(after.counter).toBe(before.counter + 1);
      expect(after.lastUsedAt).not.toBeNull();
      // The new session is Pia's.
      const page = await fetch(`${s.url}/settings/passkeys`, { headers: { Cookie: `hearth_session=${token}` }, redirect: "manual" });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Pia&#x27;s laptop");
    });

    it("keeps the redirect on this site", async () => {
      const r = await signIn(key.assert(await options("signin", null)), "https://evil.example/phish");
      expect(r.status).toBe(302);
      expect(r.headers.get("location")).toBe("/groups");
      const local = await signIn(key.assert(await options("signin", null)), "/events?when=past");
      expect(local.headers.get("location")).toBe("/events?when=past");
    });

    it("refuses a replayed assertion, an unknown credential and a cloned (counter gone back) one with the same message", async () => {
      const response = key.assert(await options("signin", null));
      expect((await signIn(response)).status).toBe(302);
      const replay = await signIn(response);
      const stranger = await signIn(new SoftAuthenticator(s.url).assert(await options("signin", null)));
      key.counter -= 2; // a copy of the key that is behind the stored counter
      const clone = await signIn(key.assert(await options("signin", null)));
      key.counter += 2;
      for (const r of [stranger, clone]) {
        expect(r.status).toBe(400);
        expect(r.headers.get("set-cookie")).toBeNull();
        expect((await reply(r)).body?.message).toBe(PASSKEY_SIGN_IN_FAILED);
      }
      expect(replay.status).toBe(400);
      expect((await reply(replay)).body?.message).toBe(PASSKEY_EXPIRED);
    });

    const bad: [string, () => Promise<unknown>][] = [
      ["malformed JSON", async () => "]["],
      ["wrong types", async () => ({ id: key.id, rawId: key.id, type: "public-key", response: { clientDataJSON: 1, authenticatorData: null, signature: {} } })],
      ["a forged challenge", async () => key.assert({ ...(await options("signin", null)), challenge: "Zm9yZ2Vk" })],
      ["another origin", async () => key.assert(await options("signin", null), "https://evil.example")],
      ["a register challenge", async () => key.assert(await options("register", pia))],
      ["a re-authentication challenge", async () => key.assert(await options("reauthenticate", pia))],
      ["a tampered signature", async () => {
        const r = key.assert(await options("signin", null));
        return { ...r, response: { ...r.response, signature: r.response.signature.slice(0, -4) + "AAAA" } };
      }],
      ["another RP id", async () => key.assert({ ...(await options("signin", null)), rpId: "evil.example" })],
      // The user handle is outside the signature: it must still agree with the credential's account.
      ["a user handle naming another account", async () => {
        const r = key.assert(await options("signin", null));
        return { ...r, response: { ...r.response, userHandle: isoBase64URL.fromUTF8String(ravi.id) } };
      }],
      ["an expired challenge", async () => {
        const opts = await options("signin", null);
        await s.app.db.update(webauthnChallenges).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(webauthnChallenges.purpose, "authenticate"));
        return key.assert(opts);
      }],
      ["an empty value", async () => ""],
      ["an oversize value", async () => "x".repeat(20_000)],
    ];
    for (const [name, make] of bad) {
      it(`refuses ${name} with a 400 and a message, no session, counter unchanged`, async () => {
        const before = (await rows()).find((p) => p.id === key.id)!.counter;
        const r = await signIn(await make());
        expect(r.status).toBe(400);
        expect(r.headers.get("set-cookie")).toBeNull();
        expect([PASSKEY_SIGN_IN_FAILED, PASSKEY_EXPIRED]).toContain((await reply(r)).body?.message);
        expect((await rows()).find((p) => p.id === key.id)!.counter).toBe(before);
        key.counter = before; // the refused assertion did not count
      });
    }

    it("refuses a suspended account", async () => {
      await s.app.db.update(users).set({ status: "suspended" }).where(eq(users.id, pia.id));
      try {
        const r = await signIn(key.assert(await options("signin", null)));
        expect(r.status).toBe(403);
        expect(r.headers.get("set-cookie")).toBeNull();
        expect((await reply(r)).body?.message).toMatch(/suspended/);
      } finally {
        await s.app.db.update(users).set({ status: "active" }).where(eq(users.id, pia.id));
      }
    });
  });

  describe("re-authentication", () => {
    const changePassword = (fields: Record<string, string>, m: Member = pia) =>
      s.postForm("/settings/password?_data=routes/settings.password", { newPassword: "a brand new password", ...fields }, as(m)).then(reply);

    it("confirms a password change with the viewer's passkey, once", async () => {
      const opts = await options("reauthenticate", pia);
      expect(opts.allowCredentials?.map((c) => c.id)).toEqual([key.id]);
      const response = JSON.stringify(key.assert(opts));
      const r = await changePassword({ passkeyResponse: response });
      expect(r.status, formErrors(r.body)).toBe(200);
      const replay = await changePassword({ passkeyResponse: response, newPassword: "another new password" });
      expect(replay.status).toBe(400);
      expect(formErrors(replay.body)).toContain(PASSKEY_EXPIRED);
    });

    it("refuses another account's passkey, a sign-in challenge and malformed answers (field error on currentPassword)", async () => {
      const before = await s.app.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, ravi.id));
      const cases = [
        JSON.stringify(key.assert(await options("reauthenticate", pia))), // Pia's challenge, submitted by Ravi
        JSON.stringify(key.assert(await options("signin", null))),
        "{oops",
        JSON.stringify({ id: [], response: 1 }),
      ];
      for (const passkeyResponse of cases) {
        const r = await changePassword({ passkeyResponse }, ravi);
        expect(r.status).toBe(400);
        expect(formErrors(r.body)).toMatch(/currentPassword/);
      }
      expect(await s.app.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, ravi.id))).toEqual(before);
    });

    it("tells a member without passkeys to add one; a visitor must sign in", async () => {
      const none = await reply(await s.postForm("/passkeys/options", { purpose: "reauthenticate" }, as(ravi)));
      expect(none.status).toBe(400);
      expect(none.body?.message).toMatch(/no passkey yet/);
      expect((await reply(await s.postForm("/passkeys/options", { purpose: "reauthenticate" }))).status).toBe(401);
    });

    it("checks the current password, with a field error when wrong or missing", async () => {
      await expect(verifyReauthentication(s.app, ravi, { currentPassword: "wrong password" })).rejects.toMatchObject({
        fieldErrors: { currentPassword: [WRONG_PASSWORD] },
      });
      await expect(verifyReauthentication(s.app, ravi, new FormData())).rejects.toMatchObject({ fieldErrors: { currentPassword: [REAUTH_NEEDED] } });
      await expect(verifyReauthentication(s.app, ravi, { currentPassword: ravi.password })).resolves.toBeUndefined();
    });

    it("throttles wrong current passwords per account, like sign-in failures", async () => {
      const quinn = await createMember(s.app, "Quinn");
      for (let i = 0; i < REAUTH_FAILURES.limit; i++) {
        await expect(verifyReauthentication(s.app, quinn, { currentPassword: `guess ${i}` })).rejects.toMatchObject({ code: "invalid" });
      }
      // Now even the right password waits for the window: guessing with a stolen session stops here.
      await expect(verifyReauthentication(s.app, quinn, { currentPassword: quinn.password })).rejects.toMatchObject({ code: "rate_limited" });
      await expect(verifyReauthentication(s.app, ravi, { currentPassword: ravi.password })).resolves.toBeUndefined();
    });
  });

  describe("relying-party id", () => {
    it("is the first PUBLIC_ORIGIN's host for it and its subdomains, else the origin's own host", () => {
      const config = { PUBLIC_ORIGIN: ["https://hearth.example", "https://www.hearth.example"] };
      expect(rpIdFor(config, "https://hearth.example")).toBe("hearth.example");
      expect(rpIdFor(config, "https://www.hearth.example")).toBe("hearth.example");
      expect(rpIdFor(config, "http://localhost:3000")).toBe("localhost");
      expect(rpIdFor(config, "https://evilhearth.example")).toBe("evilhearth.example");
      expect(rpIdFor({ PUBLIC_ORIGIN: [] }, "http://localhost:3000")).toBe("localhost");
    });
  });

  describe("rename and remove", () => {
    it("renames and removes only the viewer's own passkeys", async () => {
      const foreign = await settings({ intent: "rename", id: key.id, name: "Mine now" }, ravi);
      expect(foreign.status).toBe(404);
      const empty = await settings({ intent: "rename", id: key.id, name: "" });
      expect(empty.status).toBe(400);
      const renamed = await settings({ intent: "rename", id: key.id, name: "  Work phone <b>  " });
      expect(renamed.status).toBe(200);
      expect((await rows()).find((p) => p.id === key.id)?.name).toBe("Work phone <b>");
      expect((await settings({ intent: "remove", id: key.id }, ravi)).status).toBe(404);
      expect((await settings({ intent: "nonsense", id: key.id })).status).toBe(400);
      const removed = await settings({ intent: "remove", id: key.id });
      expect(removed.status).toBe(200);
      expect((await rows()).find((p) => p.id === key.id)).toBeUndefined();
      // A removed passkey no longer signs in.
      expect((await signIn(key.assert(await options("signin", null)))).status).toBe(400);
    });
  });
});
