import type { AppContext } from "#app/lib/app-context.server";
import type { Actor } from "#app/policy.server";

export interface BrokenLink {
  id: string;
  title: string;
  url: string;
  /** "HTTP 404", "timed out", "refused: private address" … */
  error: string;
  brokenSince: string;
  checkedAt: string;
}

/** STUB (helper 6 implements): the organization's link resources the weekly check found broken (staff only: library.create). */
export async function listBrokenLinks(_app: AppContext, _viewer: Actor | null, _organizationId: string): Promise<BrokenLink[]> {
  return [];
}
