import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, signUp } from "#app/modules/accounts/accounts.server";
import { invalidateSession, invalidateUserSessions, validateSessionToken } from "#app/modules/auth/session.server";
import { SOCKET_AUTH_ERROR, type WhoAmI, type Ack } from "#app/realtime/events";
import { testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";

describe(`Socket.IO handshake on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    // Sign-up no longer signs in (it mails a link): the account is made, then signed in with its password.
    await signUp(server.app, { email: "sock@example.test", password: "socket passphrase", displayName: "Sock", consentTerms: true, consentHealthData: true }, "127.0.0.1");
    ({ token } = await signIn(server.app, { email: "sock@example.test", password: "socket passphrase" }, "127.0.0.1"));
  });
  afterAll(() => server.stop());

  const whoami = (socket: ReturnType<typeof server.client>) =>
    new Promise<Ack<WhoAmI>>((resolve) => socket.emit("whoami", resolve));

  it("answers /healthz on the same server", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("accepts a signed-in session cookie and answers whoami", async () => {
    const socket = server.client({ cookie: `hearth_session=${token}`, origin: server.url });
    await connected(socket);
    const res = await whoami(socket);
    expect(res).toEqual({ ok: true, data: { id: expect.any(String), displayName: "Sock" } });
  });

  it("works over the polling transport too", async () => {
    const socket = server.client({ cookie: `hearth_session=${token}`, transports: ["polling"] });
    await connected(socket);
    expect((await whoami(socket)).ok).toBe(true);
  });

  it.each([
    ["no cookie", undefined],
    ["a forged token", "hearth_session=abcdefghijklmnopqrstuvwxyz234567"],
    ["a malformed token", "hearth_session=<script>"],
    ["the secure cookie name over plain HTTP", `__Host-hearth_session=PLACEHOLDER`],
  ])("refuses %s", async (_label, cookie) => {
    const socket = server.client({ cookie: cookie?.replace("PLACEHOLDER", token) });
    await expect(connected(socket)).rejects.toThrow(SOCKET_AUTH_ERROR);
  });

  it("refuses a handshake from a foreign Origin even with a valid cookie", async () => {
    const socket = server.client({ cookie: `hearth_session=${token}`, origin: "https://evil.example", transports: ["polling"] });
    await expect(connected(socket)).rejects.toThrow();
    expect(socket.connected).toBe(false);
  });

  it("answers whoami sent with a payload with an error ack instead of leaving it waiting", async () => {
    const socket = server.client({ cookie: `hearth_session=${token}` });
    await connected(socket);
    const loose = socket as unknown as { emit: (e: string, ...a: unknown[]) => void };
    const res = await new Promise<Ack<WhoAmI>>((resolve) => loose.emit("whoami", { roomId: "x" }, resolve));
    expect(res).toEqual({ ok: false, error: { code: "invalid", message: "whoami takes no payload." } });
    const two = await new Promise<Ack<WhoAmI>>((resolve) => loose.emit("whoami", "a", "b", resolve));
    expect(two.ok).toBe(false);
    expect((await whoami(socket)).ok).toBe(true);
  });

  it("disconnects a socket when its session is signed out, and all of a user's sockets on invalidateUserSessions", async () => {
    const a = await signIn(server.app, { email: "sock@example.test", password: "socket passphrase" }, "127.0.0.1");
    const b = await signIn(server.app, { email: "sock@example.test", password: "socket passphrase" }, "127.0.0.1");
    const sa = server.client({ cookie: `hearth_session=${a.token}` });
    const sb = server.client({ cookie: `hearth_session=${b.token}` });
    await Promise.all([connected(sa), connected(sb)]);

    const aGone = new Promise((resolve) => sa.once("disconnect", resolve));
    const session = await validateSessionToken(server.app, a.token);
    await invalidateSession(server.app, session!.viewer.sessionId);
    await aGone;
    expect(sb.connected).toBe(true);

    const bGone = new Promise((resolve) => sb.once("disconnect", resolve));
    await invalidateUserSessions(server.app, session!.viewer.id);
    await bGone;
    // And the dead session can't come back.
    await expect(connected(server.client({ cookie: `hearth_session=${b.token}` }))).rejects.toThrow(SOCKET_AUTH_ERROR);
  });

  it("answers a malformed whoami (no ack) without crashing and keeps serving", async () => {
    const fresh = await signIn(server.app, { email: "sock@example.test", password: "socket passphrase" }, "127.0.0.1");
    const socket = server.client({ cookie: `hearth_session=${fresh.token}` });
    await connected(socket);
    (socket as unknown as { emit: (e: string, ...a: unknown[]) => void }).emit("whoami", { junk: "x".repeat(10_000) });
    (socket as unknown as { emit: (e: string, ...a: unknown[]) => void }).emit("no-such-event", 1, 2, 3);
    expect((await whoami(socket)).ok).toBe(true);
  });
});

describe("CSRF origin check over HTTP", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it.each([
    ["no Origin", {}],
    ["a foreign Origin", { origin: "https://evil.example" }],
    ["Origin null", { origin: "null" }],
  ])("refuses a POST with %s", async (_label, headers) => {
    const res = await fetch(`${server.url}/signin`, { method: "POST", headers, body: new URLSearchParams({ email: "a@b.c", password: "x" }) });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Origin check/);
  });

  it("lets a same-origin POST through to the app", async () => {
    const res = await fetch(`${server.url}/signin`, { method: "POST", headers: { origin: server.url } });
    // remix: "none" serves no routes, so passing the check means reaching the 404 fallback.
    expect(res.status).toBe(404);
  });
});
