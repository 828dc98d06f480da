import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { useNonce } from "./components/nonce";
import { NotificationBell } from "./components/notification-bell";
import { ModerationLink } from "./components/moderation/moderation-link";
import { colorScheme, htmlPreferenceAttributes } from "./lib/preferences";
import { isIndexable, NOINDEX } from "./lib/robots";
import { RouteFocus } from "./components/route-focus";
import { AccountBanner } from "./components/verify-banner";
import { Button, ButtonLink } from "./components/ui/button";
import { ListLinks } from "./components/ui/list-link";
import { headerFor } from "./modules/header/header.server";
import stylesheet from "./tailwind.css?url";
import { DEFAULT_PREFERENCES } from "#db/schema/accounts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Hearth — dystonia support community" },
  { name: "description", content: "Support groups, live chat, events and trusted resources for people living with dystonia and their carers." },
];

export async function loader({ context }: LoaderFunctionArgs) {
  // server.ts flags an address it can't decode; the root boundary renders the page around the message.
  if (context.badAddress) throw json({ message: "That address is not valid. Check it, or follow a link from the site." }, { status: 400 });
  // The session check usually brought the header in its own statement (modules/header); after an action it reads it here.
  const header = context.viewer ? (context.header ?? (await headerFor(context.app, context.viewer))) : null;
  return {
    viewer:
      context.viewer && header
        ? { displayName: context.viewer.displayName, emailVerified: context.viewer.emailVerified, ...header }
        : null,
    // Accessibility preferences go on <html> on every page (settings → accessibility); visitors get the system defaults.
    preferences: context.viewer?.preferences ?? DEFAULT_PREFERENCES,
  };
}

/** The header's links (tailwind.css `.nav-link`): NavLink marks the current one aria-current="page", which the class underlines. */
const navClass = "nav-link";

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  const viewer = data?.viewer ?? null;
  // Only the home, the directory and the library may be indexed (the header says the same).
  const indexable = isIndexable(useLocation().pathname);
  // The page is live: mount effects run children first, so every component's (keyboard shortcuts,
  // sockets) have run by now. The browser tests wait for this (tests/e2e/helpers.ts waitForHydration).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return (
    <html lang="en" {...htmlPreferenceAttributes(data?.preferences)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={colorScheme(data?.preferences)} />
        {indexable ? null : <meta name="robots" content={NOINDEX} />}
        <Meta />
        <Links />
      </head>
      <body className="flex min-h-screen flex-col">
        <a
          href="#main"
          className="sr-only z-50 rounded-lg bg-white p-3 font-semibold focus:not-sr-only focus:absolute focus:left-3 focus:top-3 focus:inline-flex focus:min-h-11 focus:items-center focus:p-3 dark:bg-stone-800"
        >
          Skip to main content
        </a>
        <header className="border-b-2 border-stone-200 bg-white dark:border-stone-700 dark:bg-stone-950">
          <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
            <nav aria-label="Main" className="flex flex-wrap items-center gap-2">
              <Link to="/" className="mr-3 inline-flex min-h-11 items-center text-2xl font-bold no-underline">
                <span aria-hidden="true" className="mr-2">
                  ◠
                </span>
                Hearth
              </Link>
              <NavLink to="/groups" className={navClass}>
                Groups
              </NavLink>
              <NavLink to="/events" className={navClass}>
                Events
              </NavLink>
              <NavLink to="/library" className={navClass}>
                Library
              </NavLink>
              <NavLink to="/search" className={navClass}>
                Search
              </NavLink>
              {viewer ? (
                <NavLink to="/messages" className={navClass}>
                  Messages
                </NavLink>
              ) : null}
              {viewer?.staff.queue ? (
                <ModerationLink held={viewer.staff.held} className={navClass} />
              ) : null}
              {viewer?.staff.admin ? (
                <NavLink to="/admin" className={navClass}>
                  Admin
                </NavLink>
              ) : null}
              {viewer?.organizations.map((o) => (
                <NavLink key={o.slug} to={`/organizations/${o.slug}`} className={navClass}>
                  <span className="sr-only">Your organization: </span>
                  {o.name}
                </NavLink>
              ))}
            </nav>
            <div className="flex flex-wrap items-center gap-3">
              {viewer ? (
                <>
                  <NotificationBell unread={viewer.unread} className={navClass} />
                  <Link to="/settings" className="inline-flex min-h-11 items-center text-base" data-testid="signed-in-as">
                    <span>
                      Signed in as <strong>{viewer.displayName}</strong>
                      <span className="sr-only"> (your settings)</span>
                    </span>
                  </Link>
                  <Form method="post" action="/signout">
                    <Button type="submit" variant="secondary">
                      Sign out
                    </Button>
                  </Form>
                </>
              ) : (
                <>
                  <ButtonLink to="/signin" variant="secondary">
                    Sign in
                  </ButtonLink>
                  <ButtonLink to="/signup">Create account</ButtonLink>
                </>
              )}
            </div>
          </div>
        </header>
        <AccountBanner unverified={viewer ? !viewer.emailVerified : false} />
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 outline-none">
          <ListLinks>{children}</ListLinks>
        </main>
        <footer className="border-t-2 border-stone-200 bg-white py-6 text-base dark:border-stone-700 dark:bg-stone-950">
          <div className="mx-auto max-w-5xl px-4">
            <p>
              Hearth is a peer-support community. What members share is personal experience, not medical advice: talk to your
              care team before changing any treatment.
            </p>
            <p className="mt-2 flex flex-wrap gap-4">
              <Link to="/help" className="inline-flex min-h-11 items-center font-semibold">
                Get help now
              </Link>
              <Link to="/organizations/apply" className="inline-flex min-h-11 items-center">
                Register a patient organization
              </Link>
              <Link to="/privacy" className="inline-flex min-h-11 items-center">
                Privacy
              </Link>
              <Link to="/terms" className="inline-flex min-h-11 items-center">
                Terms
              </Link>
              <Link to="/guidelines" className="inline-flex min-h-11 items-center">
                Community guidelines
              </Link>
            </p>
          </div>
        </footer>
        {/* After main and footer: its effects must run after the page's own (React runs siblings' effects in order). */}
        <RouteFocus />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "Something went wrong on our side. Please try again in a moment.";
  if (isRouteErrorResponse(error)) {
    const fromServer = typeof error.data === "object" && error.data && "message" in error.data ? String(error.data.message) : null;
    if (error.status === 404) {
      title = "We couldn't find that page";
      message = "It may have moved, or it may be in a private group you are not a member of.";
    } else if (error.status === 403) {
      title = "Not allowed";
      message = fromServer ?? "You don't have permission to see this.";
    } else if (error.status === 400 || error.status === 415) {
      title = "We couldn't read that request";
      message = fromServer ?? "Please go back and try again.";
    } else if (error.status === 429) {
      title = "Please slow down";
      message = fromServer ?? "Too many requests. Please wait a little and try again.";
    }
  }
  return (
    <section aria-labelledby="error-title" className="space-y-4">
      <h1 id="error-title" className="text-3xl">
        {title}
      </h1>
      <p>{message}</p>
      <p>
        <Link to="/groups" className="inline-flex min-h-11 items-center">Browse the groups</Link> or <Link to="/" className="inline-flex min-h-11 items-center">go to the home page</Link>.
      </p>
    </section>
  );
}
