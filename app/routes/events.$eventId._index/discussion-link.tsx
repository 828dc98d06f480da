import { Link } from "@remix-run/react";

export interface DiscussionLinkView {
  kind: "thread" | "room";
  label: string;
  href: string;
}

/** "Discussion: …" for everyone who may open the thread or room (the loader leaves out the rest). */
export function DiscussionLinks({ links }: { links: DiscussionLinkView[] }) {
  if (links.length === 0) return null;
  return (
    <section aria-labelledby="discussion-title" className="space-y-2">
      <h2 id="discussion-title" className="text-2xl">
        Discussion
      </h2>
      <ul className="space-y-1">
        {links.map((l) => (
          <li key={l.kind}>
            {l.kind === "thread" ? "Forum thread: " : "Chat room: "}
            <Link to={l.href} className="inline-flex min-h-11 items-center font-semibold">
              {l.label}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
