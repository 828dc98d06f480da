import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { passkeys, users, webauthnChallenges } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { Config } from "#app/lib/config.server";
import { DomainError, Forbidden, Invalid, NotFound } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import type { RateRule } from "#app/lib/rate-limit.server";
import { createSession, type Viewer } from "#app/modules/auth/session.server";
import { SIGN_IN_FAILURES_PER_IP } from "./accounts.server";
import { PASSKEY_FAILED, PASSKEY_SIGN_IN_FAILED } from "./passkeys.schema";

/**
 * WebAuthn passkeys: registration from settings, usernameless sign-in (discoverable credentials)
 * and re-authentication before sensitive changes.
 *
 * Every ceremony is a challenge row issued for one origin (the POST's Origin, which the CSRF check
 * in server.ts has already matched against expectedOrigins) and stored as "challenge origin". The
 * response's clientDataJSON names both; verifying DELETEs that exact row first, so a replayed or
 * second response, an expired challenge, or one from another origin finds nothing.
 */

export type ChallengePurpose = (typeof webauthnChallenges.$inferSelect)["purpose"];

export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const PASSKEY_EXPIRED = "That passkey request was already used or has expired. Please try again.";
const RP_NAME = "Hearth";

/** Sign-in options are open to anyone: cap how many challenges one connection (or account) can make us store. */
export const PASSKEY_OPTIONS_PER_IP: RateRule = {
  limit: 60,
  windowSeconds: 15 * 60,
  message: "Too many passkey attempts from your connection.",
};

// The JSON the browser library sends; the verifiers check the details, Zod only that the shape is safe to hand them.
const b64url = z.string().max(8192).regex(/^[A-Za-z0-9_-]*$/, "not base64url");
const CredentialBase = {
  id: b64url.min(1),
  rawId: b64url.min(1),
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};
const RegistrationResponseSchema = z.object({
  ...CredentialBase,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
});
const AuthenticationResponseSchema = z.object({
  ...CredentialBase,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
});
const ClientDataSchema = z.object({ challenge: z.string().min(1).max(1024), origin: z.string().min(1).max(1024) });

/** A JSON field (string) parsed with a schema; anything malformed is `message` as a 400. */
function parseJsonField<T>(raw: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>, message: string): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw Invalid(message);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw Invalid(message);
  return parsed.data;
}

function clientDataOf(clientDataJSON: string, message: string) {
  let text: string;
  try {
    text = isoBase64URL.toUTF8String(clientDataJSON);
  } catch {
    throw Invalid(message);
  }
  return parseJsonField(text, ClientDataSchema, message);
}

/**
 * The relying-party id for an origin: the first PUBLIC_ORIGIN's host when the origin is that host
 * or under it (so passkeys work across www. and the apex), otherwise the origin's own host.
 */
export function rpIdFor(config: Pick<Config, "PUBLIC_ORIGIN">, origin: string): string {
  const host = new URL(origin).hostname;
  const first = config.PUBLIC_ORIGIN[0];
  if (first) {
    const publicHost = new URL(first).hostname;
    if (host === publicHost || host.endsWith(`.${publicHost}`)) return publicHost;
  }
  return host;
}

/** The origin a ceremony runs on: the request's Origin header (already checked by the CSRF middleware). */
export function ceremonyOrigin(request: Request): string {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") throw Forbidden("This request did not say where it comes from.");
  try {
    return new URL(origin).origin;
  } catch {
    throw Forbidden("This request did not say where it comes from.");
  }
}

async function storeChallenge(app: AppContext, purpose: ChallengePurpose, userId: string | null, challenge: string, origin: string) {
  const now = new Date();
  // Expired challenges nobody used (abandoned dialogs) go as new ones arrive.
  await app.db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now));
  await app.db.insert(webauthnChallenges).values({
    id: newId(),
    userId,
    purpose,
    challenge: `${challenge} ${origin}`,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
  });
}

/**
 * Takes the challenge a response answers, once: deleted whether or not the signature turns out good.
 * Bound to `userId` (null for sign-in), so a response made for another account finds nothing.
 */
async function takeChallenge(app: AppContext, purpose: ChallengePurpose, userId: string | null, clientDataJSON: string, message: string) {
  const { challenge, origin } = clientDataOf(clientDataJSON, message);
  const [row] = await app.db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challenge, `${challenge} ${origin}`),
        eq(webauthnChallenges.purpose, purpose),
        userId === null ? isNull(webauthnChallenges.userId) : eq(webauthnChallenges.userId, userId),
      ),
    )
    .returning({ expiresAt: webauthnChallenges.expiresAt });
  if (!row || row.expiresAt.getTime() <= Date.now()) throw Invalid(PASSKEY_EXPIRED);
  return { challenge, origin, rpID: rpIdFor(app.config, origin) };
}

const credentialList = (rows: { id: string; transports: string[] }[]) => rows.map((r) => ({ id: r.id, transports: r.transports }));

async function passkeyRowsOf(app: AppContext, userId: string) {
  return app.db.select({ id: passkeys.id, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId));
}

// ── Registration ────────────────────────────────────────────────────────────────────────────────

export async function passkeyRegistrationOptions(app: AppContext, viewer: Viewer, origin: string) {
  await app.limiter.hit(`passkey:options:user:${viewer.id}`, PASSKEY_OPTIONS_PER_IP);
  const [[user], existing] = await Promise.all([
    app.db.select({ email: users.email }).from(users).where(eq(users.id, viewer.id)).limit(1),
    passkeyRowsOf(app, viewer.id),
  ]);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rpIdFor(app.config, origin),
    // What the device's account picker shows; the e-mail tells accounts apart, the name greets.
    userName: user?.email ?? viewer.displayName,
    userDisplayName: viewer.displayName,
    userID: new TextEncoder().encode(viewer.id),
    attestationType: "none",
    excludeCredentials: credentialList(existing),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  await storeChallenge(app, "register", viewer.id, options.challenge, origin);
  return options;
}

export async function registerPasskey(app: AppContext, viewer: Viewer, input: { name: string; registrationResponse: string }) {
  const response = parseJsonField(input.registrationResponse, RegistrationResponseSchema, PASSKEY_FAILED) as RegistrationResponseJSON;
  const { challenge, origin, rpID } = await takeChallenge(app, "register", viewer.id, response.response.clientDataJSON, PASSKEY_FAILED);
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
  } catch {
    throw Invalid(PASSKEY_FAILED);
  }
  if (!verification.verified) throw Invalid(PASSKEY_FAILED);
  const info = verification.registrationInfo;
  const inserted = await app.db
    .insert(passkeys)
    .values({
      id: info.credential.id,
      userId: viewer.id,
      name: input.name,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    })
    .onConflictDoNothing()
    .returning({ id: passkeys.id });
  if (!inserted.length) throw Invalid("This passkey is already registered.");
  return { id: info.credential.id };
}

// ── Managing ────────────────────────────────────────────────────────────────────────────────────

export async function listPasskeys(app: AppContext, viewer: Viewer) {
  return app.db
    .select({ id: passkeys.id, name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt, backedUp: passkeys.backedUp })
    .from(passkeys)
    .where(eq(passkeys.userId, viewer.id))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.id));
}

export async function renamePasskey(app: AppContext, viewer: Viewer, id: string, name: string) {
  const rows = await app.db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, viewer.id)))
    .returning({ id: passkeys.id });
  if (!rows.length) throw NotFound("That passkey");
}

/** Removing the last passkey is fine: the password remains a way in. */
export async function removePasskey(app: AppContext, viewer: Viewer, id: string) {
  const rows = await app.db
    .delete(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, viewer.id)))
    .returning({ name: passkeys.name });
  if (!rows[0]) throw NotFound("That passkey");
  return rows[0];
}

// ── Assertions (sign-in and re-authentication) ──────────────────────────────────────────────────

/** Options for a sign-in (no account known yet: any discoverable credential) or a re-authentication (the viewer's). */
export async function passkeyAssertionOptions(app: AppContext, viewer: Viewer | null, origin: string, ip: string) {
  await app.limiter.hit(`passkey:options:${ip}`, PASSKEY_OPTIONS_PER_IP);
  const allow = viewer ? credentialList(await passkeyRowsOf(app, viewer.id)) : undefined;
  if (viewer && !allow?.length) throw Invalid("You have no passkey yet. Add one under Settings → Passkeys.");
  const options = await generateAuthenticationOptions({
    rpID: rpIdFor(app.config, origin),
    allowCredentials: allow,
    userVerification: "preferred",
  });
  await storeChallenge(app, viewer ? "reauthenticate" : "authenticate", viewer?.id ?? null, options.challenge, origin);
  return options;
}

/**
 * Verifies an assertion against its challenge and the stored credential, then moves the counter and
 * lastUsedAt. Every failure is `message`: nothing says whether the credential exists.
 */
async function verifyAssertion(app: AppContext, purpose: "authenticate" | "reauthenticate", viewer: Viewer | null, raw: string, message: string) {
  const response = parseJsonField(raw, AuthenticationResponseSchema, message) as AuthenticationResponseJSON;
  const { challenge, origin, rpID } = await takeChallenge(app, purpose, viewer?.id ?? null, response.response.clientDataJSON, message);
  const [row] = await app.db
    .select({
      id: passkeys.id,
      userId: passkeys.userId,
      publicKey: passkeys.publicKey,
      counter: passkeys.counter,
      transports: passkeys.transports,
      status: users.status,
      deletedAt: users.deletedAt,
    })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .where(eq(passkeys.id, response.id))
    .limit(1);
  if (!row || (viewer && row.userId !== viewer.id)) throw Invalid(message);
  // A discoverable credential names its account too (the userID we registered): it must agree.
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== "" && handle !== isoBase64URL.fromUTF8String(row.userId)) throw Invalid(message);
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: row.id, publicKey: isoBase64URL.toBuffer(row.publicKey), counter: row.counter, transports: row.transports },
      requireUserVerification: false,
    });
  } catch {
    // Bad signature, counter gone backwards (a cloned authenticator), wrong RP: all the same answer.
    throw Invalid(message);
  }
  if (!verification.verified) throw Invalid(message);
  // Compare-and-set on the counter: two racing uses of one assertion cannot both move it.
  const moved = await app.db
    .update(passkeys)
    .set({ counter: verification.authenticationInfo.newCounter, lastUsedAt: sql`now()` })
    .where(and(eq(passkeys.id, row.id), eq(passkeys.counter, row.counter)))
    .returning({ id: passkeys.id });
  if (!moved.length) throw Invalid(message);
  return row;
}

/** Usernameless sign-in; failures count against the connection like password failures. */
export async function signInWithPasskey(app: AppContext, passkeyResponse: string, ip: string, device: string) {
  const ipKey = `signin:ip:${ip}`;
  await app.limiter.check(ipKey, SIGN_IN_FAILURES_PER_IP);
  let row;
  try {
    row = await verifyAssertion(app, "authenticate", null, passkeyResponse, PASSKEY_SIGN_IN_FAILED);
  } catch (e) {
    await app.limiter.record(ipKey, SIGN_IN_FAILURES_PER_IP);
    throw e;
  }
  if (row.deletedAt) throw Invalid(PASSKEY_SIGN_IN_FAILED);
  if (row.status !== "active") {
    throw new DomainError("forbidden", "This account is suspended. Contact the site administrators if you think this is a mistake.");
  }
  const session = await createSession(app, row.userId, device);
  return { userId: row.userId, ...session };
}

/** The passkey half of verifyReauthentication: a 'reauthenticate' challenge bound to the viewer's account. */
export async function verifyPasskeyReauthentication(app: AppContext, viewer: Viewer, passkeyResponse: string): Promise<void> {
  try {
    await verifyAssertion(app, "reauthenticate", viewer, passkeyResponse, PASSKEY_FAILED);
  } catch (e) {
    if (e instanceof DomainError && e.code === "invalid") throw Invalid(e.message, { currentPassword: [e.message] });
    throw e;
  }
}
