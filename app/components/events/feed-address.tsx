import { Link } from "@remix-run/react";
import { useId, useRef, useState } from "react";
import { Button } from "#app/components/ui/button";

/**
 * A calendar address to copy into a calendar app: a read-only field (select-all on focus, so it can
 * be copied by hand too) and a Copy button; "Copied" is said only after a copy.
 */
export function FeedAddress({ label, url }: { label: string; url: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(url);
      setCopied("Copied: paste it into your calendar app (“add calendar from URL”).");
    } catch {
      setCopied("Copy it from the field: it is selected.");
    }
  };
  return (
    <div className="space-y-2">
      <label htmlFor={id} className="block font-semibold">
        {label}
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={url}
          onFocus={(e) => e.currentTarget.select()}
          className="min-h-11 min-w-0 flex-1 basis-64 rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-base text-stone-900 dark:bg-stone-800 dark:text-stone-50"
        />
        <Button variant="secondary" onClick={copy}>
          Copy
        </Button>
      </div>
      {copied ? <p role="status">{copied}</p> : null}
    </div>
  );
}

/** "Subscribe" on a group's events page, for its members. */
export function GroupFeedField({ feed }: { feed: { name: string; private: boolean; url: string | null } }) {
  return (
    <section aria-labelledby="group-feed-title" className="space-y-2 rounded-xl border-2 border-stone-300 p-4 dark:border-stone-600">
      <h2 id="group-feed-title" className="text-xl">
        Subscribe to {feed.name} events
      </h2>
      {feed.private ? <p>This address is yours and secret: it works only while you are a member of this private group. Don’t share it.</p> : null}
      {feed.url ? (
        <FeedAddress label={`Calendar address for ${feed.name}`} url={feed.url} />
      ) : (
        <p>
          A private group’s calendar goes through your personal calendar address.{" "}
          <Link to="/calendar" className="inline-flex min-h-11 items-center font-semibold">
            Create your calendar address
          </Link>
        </p>
      )}
    </section>
  );
}
