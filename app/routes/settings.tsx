import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { requireViewer } from "#app/lib/http.server";

export const meta: MetaFunction = () => [{ title: "Settings — Hearth" }];

/** The settings pages, in the order members look for them (COMMON.md fixes the list). */
export const SETTINGS_LINKS = [
  { to: "/settings/profile", label: "Profile" },
  { to: "/settings/email", label: "E-mail" },
  { to: "/settings/notifications", label: "Notifications" },
  { to: "/settings/password", label: "Password" },
  { to: "/settings/sessions", label: "Sessions" },
  { to: "/settings/passkeys", label: "Passkeys" },
  { to: "/settings/accessibility", label: "Accessibility" },
  { to: "/settings/messages", label: "Direct messages" },
  { to: "/settings/blocked", label: "Blocked members" },
  { to: "/settings/data", label: "Your data" },
  { to: "/settings/delete", label: "Delete account" },
] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  // Every child page is the viewer's own: visitors sign in first and come back here.
  requireViewer(context, request);
  return null;
}

function linkClass({ isActive }: { isActive: boolean }) {
  return `flex min-h-11 items-center rounded-lg px-3 font-semibold no-underline hover:bg-brand-50 dark:hover:bg-stone-800 ${
    isActive ? "bg-brand-50 underline decoration-2 underline-offset-4 dark:bg-stone-800" : ""
  }`;
}

export default function SettingsLayout() {
  return (
    <div className="space-y-6">
      <h1 className="text-3xl">Settings</h1>
      <div className="flex flex-col gap-6 md:flex-row">
        {/* A wrapping list on narrow screens (reflows at 320 px), a column beside the page from md up. */}
        <nav aria-label="Settings" className="md:w-56 md:shrink-0">
          <ul className="flex flex-wrap gap-1 md:flex-col">
            {SETTINGS_LINKS.map((l) => (
              <li key={l.to}>
                {/* NavLink sets aria-current="page" on the active link. */}
                <NavLink to={l.to} className={linkClass}>
                  {l.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="min-w-0 flex-1">
          <Outlet />
        </div>
      </div>
    </div>
  );
}
