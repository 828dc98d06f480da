import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { deleteSessionTokenCookie, invalidateSession } from "#app/modules/auth/session.server";

/** POST only: a GET must never change state (a link or prefetch could sign people out). */
export async function action({ context }: ActionFunctionArgs) {
  if (context.viewer) await invalidateSession(context.app, context.viewer.sessionId);
  return redirect("/", { headers: { "Set-Cookie": deleteSessionTokenCookie(context.secure) } });
}

export async function loader() {
  return redirect("/");
}
