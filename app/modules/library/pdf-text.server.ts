import type { AppContext } from "#app/lib/app-context.server";

/** STUB (helper 6 implements): marks the document's text as pending and queues its extraction job. */
export async function queueTextExtraction(_app: AppContext, _resourceId: string): Promise<void> {}
