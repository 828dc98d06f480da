/**
 * The second benchmark baseline (bench/forum-thread.ts): a bare page, a loader returning a static
 * string rendered inside the app's layout, to separate the cost of rendering any page from the
 * cost of the thread page itself.
 */
import { useLoaderData } from "@remix-run/react";

export function loader() {
  return { text: "A bare page." };
}

export default function BarePage() {
  const { text } = useLoaderData<typeof loader>();
  return <h1 className="text-3xl">{text}</h1>;
}
