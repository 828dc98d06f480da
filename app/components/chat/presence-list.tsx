import type { ChatPresence } from "#app/realtime/events";

/** Who is in the room now ("…" until the first presence arrives). */
export function PresenceList({ presence, selfId }: { presence: ChatPresence | null; selfId: string }) {
  return (
    <section aria-labelledby="presence-title" className="space-y-2">
      <h2 id="presence-title" className="text-xl">
        Here now{presence ? ` (${presence.count})` : ""}
      </h2>
      {presence ? (
        <ul className="space-y-1" data-testid="presence">
          {presence.people.map((p) => (
            <li key={p.id}>
              {p.displayName}
              {p.id === selfId ? " (you)" : ""}
            </li>
          ))}
        </ul>
      ) : (
        <p>…</p>
      )}
    </section>
  );
}
