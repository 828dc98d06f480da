import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ThreadView } from "./thread-view";
import { threadAction, threadLoader } from "./thread.server";

export const loader = (args: LoaderFunctionArgs) => threadLoader(args);
export const action = (args: ActionFunctionArgs) => threadAction(args);

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.thread.title} — ${data.group.name} forum — Hearth` : "Thread not found — Hearth" },
];

export default ThreadView;
