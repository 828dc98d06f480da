// The one route: a loader returning a small object, rendered.
import { useLoaderData } from "@remix-run/react";

export function loader() {
  return { text: "A bare Remix page." };
}

export default function Index() {
  const { text } = useLoaderData<typeof loader>();
  return <h1>{text}</h1>;
}
