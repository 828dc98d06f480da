import type { NextFunction, Request, Response } from "express";

/**
 * Responses that depend on who is asking (a session, a form post, a data request) say
 * `Cache-Control: private, no-store`, whatever a route set: a shared cache must never hand one
 * person's page to another, and a browser must not keep a signed-in page after sign-out. Set when the
 * headers go out, so a cookie added by the route (a new session) counts too. Public visitor pages keep
 * whatever they had (the visitor microcache relies on them being the same for everyone).
 */
export function personalResponsesNoStore(isPersonal: (req: Request, res: Response) => boolean) {
  return function personalResponsesNoStoreMiddleware(req: Request, res: Response, next: NextFunction) {
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<Response["writeHead"]>) {
      if (isPersonal(req, res) || this.getHeader("set-cookie") !== undefined) this.setHeader("Cache-Control", "private, no-store");
      return writeHead.apply(this, args);
    } as Response["writeHead"];
    next();
  };
}
