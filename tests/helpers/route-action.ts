import type { ActionFunctionArgs } from "@remix-run/node";
import type { AppContext } from "#app/lib/app-context.server";

/** What a route action answered: the status, its JSON body (if any) and where it redirects. */
export type ActionAnswer = { status: number; data: Record<string, unknown> | null; location: string | null };

/**
 * Posts a urlencoded form to a real route action as `viewer` (null: a visitor), the way Remix calls it;
 * a thrown Response (a redirect, a 404) is an answer like a returned one.
 */
export async function postFormTo(
  app: AppContext,
  handler: (args: ActionFunctionArgs) => Promise<Response>,
  url: string,
  params: Record<string, string>,
  fields: Record<string, string>,
  viewer: unknown,
): Promise<ActionAnswer> {
  const request = new Request(url, { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  const context = { app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
  try {
    const response = await handler({ request, context, params } as unknown as ActionFunctionArgs);
    return await answerOf(response);
  } catch (thrown) {
    if (thrown instanceof Response) return answerOf(thrown);
    throw thrown;
  }
}

async function answerOf(response: Response): Promise<ActionAnswer> {
  const data = response.headers.get("Content-Type")?.includes("json") ? ((await response.json()) as Record<string, unknown>) : null;
  return { status: response.status, data, location: response.headers.get("Location") };
}
