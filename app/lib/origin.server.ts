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
