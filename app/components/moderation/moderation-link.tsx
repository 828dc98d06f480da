import { NavLink, type NavLinkProps } from "@remix-run/react";
import { useEffect, useState } from "react";
import { holdUserSocket, releaseUserSocket } from "#app/realtime/user-socket";

/**
 * The live count of held items, from the server's `queue` event on the member's user channel (a hold,
 * an approval or a rejection in a group they moderate). `fromServer` is the count the page was
 * rendered with; the root loader runs again after a form post, so it wins when it changes.
 * socket.io-client is imported only after hydration; the socket is the tab's one connection.
 */
export function useLiveHeldCount(fromServer: number): number {
  const [held, setHeld] = useState(fromServer);
  useEffect(() => setHeld(fromServer), [fromServer]);
  useEffect(() => {
    let release: (() => void) | null = null;
    let gone = false;
    const onQueue = (event: { held: number }) => setHeld(event.held);
    void import("socket.io-client").then(({ io }) => {
      if (gone) return;
      const socket = holdUserSocket(io);
      socket.on("queue", onQueue);
      release = () => {
        socket.off("queue", onQueue);
        releaseUserSocket();
      };
    });
    return () => {
      gone = true;
      release?.();
    };
  }, []);
  return held;
}

/** The header's "Moderation" link with the held count ("Moderation, 2 held"), kept live. */
export function ModerationLink({ held: fromServer, className }: { held: number; className: NavLinkProps["className"] }) {
  const held = useLiveHeldCount(fromServer);
  const shown = held >= 100 ? "99+" : String(held);
  return (
    <NavLink to="/moderation" className={className} data-testid="moderation-link" aria-label={held > 0 ? `Moderation, ${shown} held` : undefined}>
      Moderation
      {held > 0 ? <span className="ml-2 rounded-full bg-amber-200 px-2 text-sm text-stone-900 dark:bg-amber-300">{shown} held</span> : null}
    </NavLink>
  );
}
