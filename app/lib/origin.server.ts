/**
 * CSRF defence by Origin check: a state-changing request must say where it comes from, and that
 * must be this app. Browsers always send Origin on cross-site requests and on same-site POSTs.
 */
export function expectedOrigins(req: { protocol: string; host: string | undefined }, publicOrigins: readonly string[]): string[] {
  const own = req.host ? [`${req.protocol}://${req.host}`] : [];
  return [...own, ...publicOrigins];
}

export function isAllowedOrigin(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin !== undefined && origin !== "null" && allowed.includes(origin);
}

/**
 * The one cross-site POST let through: a mail client's RFC 8058 one-click unsubscribe, which has no
 * Origin of ours, no session and no form token. Its route acts only on the secret link token in
 * the address and changes nothing but that link's preference, so a forged POST achieves nothing.
 */
export function isOneClickUnsubscribe(req: { method: string; path: string }): boolean {
  return req.method === "POST" && req.path === "/unsubscribe";
}
