import { type AppLoadContext, type EntryContext, type HandleErrorFunction } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceContext } from "./components/nonce";
import { ServerHtmlContext } from "./components/ui/markdown-content";
import { renderedHtmlOf } from "./lib/rendered-once.server";
import { logError, routeOf } from "./lib/log.server";

/**
 * What server.ts needs from the app (the limiter, realtime handlers, config loader, session check…),
 * taken from this build so it shares every module with the routes (app/runtime.server.ts).
 */
export * as runtime from "./runtime.server";

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  // A form action that answers 429/503 sets Retry-After (app/lib/http.server.ts). Remix only copies
  // action headers onto a document response through each route's `headers` export, so it is
  // done here once for every route.
  for (const actionHeaders of Object.values(remixContext.staticHandlerContext.actionHeaders ?? {})) {
    const retryAfter = actionHeaders.get("Retry-After");
    if (retryAfter) responseHeaders.set("Retry-After", retryAfter);
  }
  // The whole document is rendered before it is sent, in one piece (docs/decisions/0028-documents-sent-whole.md):
  // no route defers data, so there is nothing to stream. renderToString builds one string; the
  // streaming renderer encodes each of its thousands of small pieces into 2 KB buffers first.
  // A render error throws: Remix logs it (handleError) and renders the error boundary instead.
  const html = renderToString(
    <NonceContext.Provider value={nonce}>
      <ServerHtmlContext.Provider value={renderedHtmlOf(loadContext)}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </ServerHtmlContext.Provider>
    </NonceContext.Provider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}

/**
 * Errors thrown by loaders and actions (not thrown Responses). Remix's default logs the whole
 * error, and a failed query's message carries its parameters (people's posts, event links):
 * the one error logger keeps the name, code and route only.
 */
export const handleError: HandleErrorFunction = (error, { request, params }) => {
  if (request.signal.aborted) return; // the person navigated away; nothing failed
  if (isRouteErrorResponse(error) && error.status < 500) return; // a 404 for an unknown address is not a failure
  logError("request failed", error, { method: request.method, route: routeOf(new URL(request.url).pathname, params) });
};
