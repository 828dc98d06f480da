import { AuditFilterSchema } from "./moderation.schema";

/** The audit-log filters from a request's query string (bad values fall back to no filter). */
export function parseAuditFilter(request: Request) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = AuditFilterSchema.safeParse(params);
  return parsed.success ? parsed.data : AuditFilterSchema.parse({});
}

/** The "older entries" link: the same filters, one page further. */
export function nextHrefOf(request: Request, cursor: string | null) {
  if (!cursor) return null;
  const url = new URL(request.url);
  url.searchParams.set("after", cursor);
  return `${url.pathname}?${url.searchParams.toString()}`;
}
