import type { Database, Transaction } from "#db/client";

/** Which watched words (normalised patterns, each once) matched, by what they do. */
export interface WatchedHits {
  block: string[];
  hold: string[];
  flag: string[];
}

/**
 * The organization's and the site's watched words that match any of the texts (titles, bodies,
 * display names). organizationId null: the site-wide list only.
 * STUB (foundation): the watched-words helper implements it; the signature is fixed for the round.
 */
export async function watchedMatches(_db: Database | Transaction, _organizationId: string | null, _texts: readonly string[]): Promise<WatchedHits> {
  return { block: [], hold: [], flag: [] };
}
