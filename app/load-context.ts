import type { AppContext } from "./lib/app-context.server";
import type { Viewer } from "#app/modules/auth/session.server";
import type { HeaderData } from "#app/modules/header/header.server";

/** What server.ts hands every loader and action through Remix's getLoadContext. */
// A type alias (not an interface) so it fits AppLoadContext's index signature.
export type HearthLoadContext = {
  app: AppContext;
  viewer: Viewer | null;
  /** The layout's header, read with the session when the root loader was going to run (else the root loader reads it). */
  header?: HeaderData | null;
  /** Per-request CSP nonce; goes to <Scripts> via React context, never into loader data. */
  cspNonce: string;
  clientIp: string;
  /** Whether cookies must be Secure (request came over HTTPS, or forced by config). */
  secure: boolean;
  /**
   * True when a Remix fetcher/useSubmit made the request (`?_data=`). Remix strips `_data` from
   * request.url before actions run, so server.ts reads it from the original URL.
   */
  isDataRequest: boolean;
  /** The address has a malformed percent-encoding: the root loader answers 400 with the normal page. */
  badAddress?: boolean;
};

// Augment the runtime package: @remix-run/node and @remix-run/express re-export its interface.
declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends HearthLoadContext {}
}
