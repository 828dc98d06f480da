import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext, type HandleErrorFunction } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "./components/nonce";
import { ServerHtmlContext } from "./components/ui/markdown-content";
import { renderedHtmlOf } from "./lib/rendered-once.server";
import { logError, routeOf } from "./lib/log.server";

/**
 * What server.ts needs from the app (the limiter, realtime handlers, config loader, session check…),
 * taken from this build so it shares every module with the routes (app/runtime.server.ts).
 */
export * as runtime from "./runtime.server";

const ABORT_DELAY = 5_000;

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
  // Bots get the whole document at once; people get it streamed as soon as the shell is ready.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <ServerHtmlContext.Provider value={renderedHtmlOf(loadContext)}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </ServerHtmlContext.Provider>
      </NonceContext.Provider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors before the shell are handled by onShellError; log only what happens while streaming.
          if (shellRendered) logError("render failed", error, { route: routeOf(new URL(request.url).pathname) });
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
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
