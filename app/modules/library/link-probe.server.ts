import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { addressRefusal } from "#app/lib/ssrf";

/**
 * One link's check for the weekly sweep, SSRF-safe: http(s) only; the host resolved first and every
 * address it resolves to refused if it isn't public (app/lib/ssrf.ts); the connection pinned to the
 * checked address (a custom `lookup`, so DNS rebinding can't switch it between check and connect);
 * redirects followed by hand, each hop checked again; HEAD, then GET when HEAD is refused, reading a
 * few KB at most; one deadline for the whole link.
 */

export const MAX_REDIRECTS = 5;
const MAX_BODY_BYTES = 4096;
export const LINK_CHECK_USER_AGENT = "Hearth-LinkCheck/1.0 (checks links in a patient organization's library)";

export type ProbeResult = { ok: true; status: number } | { ok: false; error: string };

export interface ProbeOptions {
  timeoutMs: number;
  /** LINK_CHECK_ALLOW_ADDRESSES: tests' local server only. */
  allowAddresses: readonly string[];
  /** DNS, replaceable in tests (a name resolving to 127.0.0.1 without touching real DNS). */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

class ProbeError extends Error {}

const defaultResolve = (host: string) => dnsLookup(host, { all: true, verbatim: true });

/** Resolves the URL's host and checks every address; the first is the one connected to. */
async function checkedAddress(url: URL, options: ProbeOptions): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (options.resolve ?? defaultResolve)(host);
    } catch {
      throw new ProbeError("DNS lookup failed");
    }
    if (addresses.length === 0) throw new ProbeError("DNS lookup failed");
  }
  for (const a of addresses) {
    const refusal = addressRefusal(a.address, options.allowAddresses);
    if (refusal) throw new ProbeError(`refused: ${refusal}`);
  }
  return addresses[0]!;
}

interface HopResponse {
  status: number;
  location: string | null;
}

/** One request to the pinned address; the body (GET) is read up to a few KB and dropped. */
function request(url: URL, pinned: { address: string; family: number }, method: "HEAD" | "GET", signal: AbortSignal): Promise<HopResponse> {
  const lookup: LookupFunction = (_host, opts, callback) => {
    if (opts.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      { method, lookup, agent: false, signal, headers: { "User-Agent": LINK_CHECK_USER_AGENT, Accept: "*/*" } },
      (res) => {
        const done = () => {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, location: typeof res.headers.location === "string" ? res.headers.location : null });
        };
        if (method === "HEAD") return done();
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read >= MAX_BODY_BYTES) done();
        });
        res.on("end", done);
        res.on("error", done);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function networkError(e: unknown, signal: AbortSignal): string {
  if (signal.aborted) return "timed out";
  const code = (e as NodeJS.ErrnoException)?.code ?? "";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET" || code === "EPIPE") return "connection reset";
  if (/CERT|SSL|TLS|ERR_TLS/i.test(code)) return "TLS certificate error";
  return "connection failed";
}

/** Checks one link; never throws (every failure is a reason). */
export async function probeLink(rawUrl: string, options: ProbeOptions): Promise<ProbeResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const timedOut = new Promise<ProbeResult>((resolve) => signal.addEventListener("abort", () => resolve({ ok: false, error: "timed out" }), { once: true }));
  return Promise.race([follow(rawUrl, options, signal), timedOut]);
}

async function follow(rawUrl: string, options: ProbeOptions, signal: AbortSignal): Promise<ProbeResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, error: "not a valid address" };
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, error: "refused: not an http(s) address" };
    try {
      const pinned = await checkedAddress(url, options);
      if (signal.aborted) return { ok: false, error: "timed out" };
      let res = await request(url, pinned, "HEAD", signal);
      // Some servers refuse HEAD: ask again with GET (only its first few KB are read).
      if (res.status === 405 || res.status === 501) res = await request(url, pinned, "GET", signal);
      if (res.status >= 300 && res.status < 400 && res.location) {
        try {
          url = new URL(res.location, url);
        } catch {
          return { ok: false, error: "redirect to an invalid address" };
        }
        continue;
      }
      if (res.status >= 200 && res.status < 400) return { ok: true, status: res.status };
      return { ok: false, error: `HTTP ${res.status}` };
    } catch (e) {
      if (e instanceof ProbeError) return { ok: false, error: e.message };
      return { ok: false, error: networkError(e, signal) };
    }
  }
  return { ok: false, error: `more than ${MAX_REDIRECTS} redirects` };
}
