import { useNavigate } from "@remix-run/react";
import { createContext, useCallback, useContext, type MouseEvent, type ReactNode } from "react";

/**
 * Links repeated on every item of a long list (a thread's posts: author, edit, block). Each is a
 * plain anchor that navigates in place as a <Link> does, through one click handler the root
 * provides: a <Link> runs five router hooks to render, and a thread page showed 150 of them
 * (bench/README.md, "One string per page…"). Paths must be absolute; nothing is resolved.
 */
const InPlace = createContext<((event: MouseEvent<HTMLAnchorElement>) => void) | undefined>(undefined);

export function ListLinks({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const onClick = useCallback(
    (event: MouseEvent<HTMLAnchorElement>) => {
      // What <Link> leaves to the browser: another button, or a modifier key (a new tab or window).
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      navigate(event.currentTarget.getAttribute("href")!);
    },
    [navigate],
  );
  return <InPlace.Provider value={onClick}>{children}</InPlace.Provider>;
}

export function ListLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a href={to} onClick={useContext(InPlace)}>
      {children}
    </a>
  );
}
