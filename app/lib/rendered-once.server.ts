/**
 * Post HTML goes to the browser once (docs/decisions/0024-post-html-rendered-once.md). On a document
 * request the loader keeps each rendered fragment here, keyed by the request's load context (the same
 * object reaches entry.server), and its data carries `null`: the server render reads the fragment
 * from this store, the browser takes it from the markup when it hydrates. A data request
 * (client navigation, revalidation) has no markup to read, so its data carries the HTML.
 */
const stores = new WeakMap<object, Map<string, string>>();

/** The HTML to put in loader data for the element `id`: itself on a data request, otherwise null (kept for the server render). */
export function htmlOnce(context: { isDataRequest: boolean }, id: string, html: string): string | null {
  if (context.isDataRequest) return html;
  let store = stores.get(context);
  if (!store) stores.set(context, (store = new Map()));
  store.set(id, html);
  return null;
}

/** The fragments the loaders of this document request kept, for entry.server's render. */
export function renderedHtmlOf(context: object): ReadonlyMap<string, string> {
  return stores.get(context) ?? new Map();
}
