import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DISPLAY_NAME_TAKEN, INVALID_CREDENTIALS, signIn, signUp as signUpWith } from "#app/modules/accounts/accounts.server";
import { invalidateSession, invalidateUserSessions, validateSessionToken } from "#app/modules/auth/session.server";
import { sessions, users } from "#db/schema/index";
import { createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure } from "#tests/helpers/errors";


/** Sign-up with the consents the form requires (recording them is tested with the consent module). */
const signUp = (app: TestApp["app"], input: { email: string; password: string; displayName: string }, ip: string) =>
  signUpWith(app, { ...input, consentTerms: true, consentHealthData: true }, ip);

describe(`accounts on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SIGNUPS_PER_IP_PER_HOUR: "3" });
  });
  afterAll(() => t.close());

  it("signs up with an argon2id hash with OWASP parameters: unverified, nobody signed in", async () => {
    await signUp(t.app, { email: "river@example.test", password: "a long passphrase", displayName: "River" }, "1.1.1.1");
    const [row] = await t.app.db.select().from(users).where(eq(users.email, "river@example.test"));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row!.passwordHash).not.toContain("a long passphrase");
    expect(row!.emailVerifiedAt).toBeNull();
    // Sign-up makes no session: the mailed link (tests/integration/account-mail.test.ts) or the password does.
    expect(await t.app.db.select().from(sessions).where(eq(sessions.userId, row!.id))).toHaveLength(0);
  });

  it("a registered address: the same (empty) answer, nothing created or changed; a look-alike display name is still refused", async () => {
    const [before] = await t.app.db.select().from(users).where(eq(users.email, "river@example.test"));
    await expect(signUp(t.app, { email: "river@example.test", password: "another passphrase", displayName: "Rover" }, "1.1.1.1")).resolves.toBeUndefined();
    const [after] = await t.app.db.select().from(users).where(eq(users.email, "river@example.test"));
    expect(after).toEqual(before);
    const e = await failure(signUp(t.app, { email: "new@example.test", password: "another passphrase", displayName: "rIVER" }, "1.1.1.1"));
    expect(e.code).toBe("conflict");
    expect(e.fieldErrors).toEqual({ displayName: [DISPLAY_NAME_TAKEN] });
    const all = await t.app.db.select({ id: users.id }).from(users);
    expect(all).toHaveLength(1);
  });

  it("limits sign-ups per IP per hour", async () => {
    await signUp(t.app, { email: "one@example.test", password: "passphrase one", displayName: "One" }, "2.2.2.2");
    await signUp(t.app, { email: "two@example.test", password: "passphrase two", displayName: "Two" }, "2.2.2.2");
    await signUp(t.app, { email: "three@example.test", password: "passphrase three", displayName: "Three" }, "2.2.2.2");
    const e = await failure(signUp(t.app, { email: "four@example.test", password: "passphrase four", displayName: "Four" }, "2.2.2.2"));
    expect(e.code).toBe("rate_limited");
    expect(e.retryAfter).toBeGreaterThan(3000);
    const [four] = await t.app.db.select().from(users).where(eq(users.email, "four@example.test"));
    expect(four).toBeUndefined();
  });

  it("signs in with the right password, case-insensitively on email, with a new session each time", async () => {
    const a = await signIn(t.app, { email: "river@example.test", password: "a long passphrase" }, "3.3.3.3");
    const b = await signIn(t.app, { email: "river@example.test", password: "a long passphrase" }, "3.3.3.3");
    expect(a.token).not.toBe(b.token);
    expect(await validateSessionToken(t.app, a.token)).not.toBeNull();
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const wrong = await failure(signIn(t.app, { email: "river@example.test", password: "wrong password" }, "4.4.4.4"));
    const unknown = await failure(signIn(t.app, { email: "nobody@example.test", password: "wrong password" }, "4.4.4.4"));
    expect([wrong.code, wrong.message]).toEqual(["invalid", INVALID_CREDENTIALS]);
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
  });

  it("throttles an account+IP after 10 failures without locking the owner out elsewhere", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await failure(signIn(t.app, { email: "river@example.test", password: `guess ${i}` }, "5.5.5.5"))).code).toBe("invalid");
    }
    const blocked = await failure(signIn(t.app, { email: "river@example.test", password: "a long passphrase" }, "5.5.5.5"));
    expect(blocked.code).toBe("rate_limited");
    expect(blocked.retryAfter).toBeGreaterThan(0);
    expect(blocked.retryAfter).toBeLessThanOrEqual(15 * 60);
    // The real owner, from their own connection, still gets in.
    await expect(signIn(t.app, { email: "river@example.test", password: "a long passphrase" }, "6.6.6.6")).resolves.toHaveProperty("token");
  });

  it("resets the failure count after a successful sign-in", async () => {
    for (let i = 0; i < 9; i++) await failure(signIn(t.app, { email: "one@example.test", password: "nope nope" }, "7.7.7.7"));
    await signIn(t.app, { email: "one@example.test", password: "passphrase one" }, "7.7.7.7");
    for (let i = 0; i < 9; i++) await failure(signIn(t.app, { email: "one@example.test", password: "nope nope" }, "7.7.7.7"));
    await expect(signIn(t.app, { email: "one@example.test", password: "passphrase one" }, "7.7.7.7")).resolves.toHaveProperty("token");
  });

  it("ends one session on sign-out and every session on invalidateUserSessions", async () => {
    const a = await signIn(t.app, { email: "two@example.test", password: "passphrase two" }, "8.8.8.8");
    const b = await signIn(t.app, { email: "two@example.test", password: "passphrase two" }, "8.8.8.8");
    const va = await validateSessionToken(t.app, a.token);
    await invalidateSession(t.app, va!.viewer.sessionId);
    expect(await validateSessionToken(t.app, a.token)).toBeNull();
    expect(await validateSessionToken(t.app, b.token)).not.toBeNull();
    await invalidateUserSessions(t.app, va!.viewer.id);
    expect(await validateSessionToken(t.app, b.token)).toBeNull();
  });

  it("refuses suspended accounts: their sessions die and sign-in says why", async () => {
    const r = await signIn(t.app, { email: "three@example.test", password: "passphrase three" }, "9.9.9.9");
    await t.app.db.update(users).set({ status: "suspended" }).where(eq(users.email, "three@example.test"));
    expect(await validateSessionToken(t.app, r.token)).toBeNull();
    const left = await t.app.db.select().from(sessions).where(eq(sessions.userId, r.userId));
    expect(left).toHaveLength(0);
    const e = await failure(signIn(t.app, { email: "three@example.test", password: "passphrase three" }, "9.9.9.9"));
    expect(e.code).toBe("forbidden");
    expect(e.message).toMatch(/suspended/);
  });

  it("extends a session that is past half its life", async () => {
    const r = await signIn(t.app, { email: "river@example.test", password: "a long passphrase" }, "3.3.3.3");
    const soon = new Date(Date.now() + 24 * 3600 * 1000); // 1 day left of 30
    await t.app.db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.id, r.token));
    const v = await validateSessionToken(t.app, r.token);
    expect(v?.refreshed).toBe(true);
    expect(v!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
  });

  it("refuses a forged or expired token", async () => {
    expect(await validateSessionToken(t.app, "forgedtoken123")).toBeNull();
    const r = await signIn(t.app, { email: "river@example.test", password: "a long passphrase" }, "3.3.3.3");
    await t.app.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, r.token));
    expect(await validateSessionToken(t.app, r.token)).toBeNull();
  });
});
