import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "#app/lib/http.server";

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireViewer(context, request);
  throw redirect("/settings/profile");
}
