import { NavLink, type NavLinkProps } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { LiveNotification } from "#app/modules/notifications/types";
import { holdUserSocket, releaseUserSocket } from "#app/realtime/user-socket";

/**
 * The header's "Notifications" link with the unread count, kept live over the member's user channel:
 * a new notice updates the count and is announced once in a polite live region (a count-only update,
 * e.g. read in another tab, is not announced). socket.io-client is imported only after hydration,
 * so first paint pays nothing; the socket is the tab's one connection (user-socket.ts). No animation.
 */
export function NotificationBell({ unread: fromServer, className }: { unread: number; className: NavLinkProps["className"] }) {
  const [unread, setUnread] = useState(fromServer);
  const [announcement, setAnnouncement] = useState("");
  const announced = useRef(new Set<string>());

  // The root loader runs again after a form post (e.g. Mark as read): it has the latest count.
  useEffect(() => setUnread(fromServer), [fromServer]);

  useEffect(() => {
    let release: (() => void) | null = null;
    let gone = false;
    const onNotification = (event: { notification: LiveNotification | null; unread: number }) => {
      setUnread(event.unread);
      const n = event.notification;
      if (!n || announced.current.has(n.id)) return;
      announced.current.add(n.id);
      setAnnouncement(`New notification${n.urgent ? ", urgent" : ""}: ${n.title}`);
    };
    void import("socket.io-client").then(({ io }) => {
      if (gone) return;
      const socket = holdUserSocket(io);
      socket.on("notification", onNotification);
      release = () => {
        socket.off("notification", onNotification);
        releaseUserSocket();
      };
    });
    return () => {
      gone = true;
      release?.();
    };
  }, []);

  const shown = unread >= 100 ? "99+" : String(unread);
  return (
    <>
      {/* The name is spelled out ("Notifications, 3 unread"): screen readers otherwise run the badge into the word. */}
      <NavLink to="/notifications" className={className} data-testid="notifications-link" aria-label={unread > 0 ? `Notifications, ${shown} unread` : undefined}>
        Notifications
        {unread > 0 ? <span className="ml-2 rounded-full bg-brand-700 px-2 text-sm text-white dark:bg-brand-100 dark:text-stone-900">{shown}</span> : null}
      </NavLink>
      {/* A bare polite live region, not role=status: the page's own status messages stay the page's one status. */}
      <p aria-live="polite" aria-atomic="true" className="sr-only" data-testid="notification-announcer">
        {announcement}
      </p>
    </>
  );
}
