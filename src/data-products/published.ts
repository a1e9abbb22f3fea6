import type { Context } from "hono";

/**
 * What a product's readers are shown: the run's last finished generation and when that data last
 * changed (its finish, or a review decision on it). The ETag changes exactly when these do.
 */
export interface PublishedView {
  generation: number;
  asOf: string | null;
  etag: string;
}

export function publishedView(generation: number, asOf: Date | string | null): PublishedView {
  const at = asOf === null ? null : new Date(asOf);
  return { generation, asOf: at ? at.toISOString() : null, etag: `W/"g${generation}-${at ? at.getTime() : 0}"` };
}

/**
 * Sets the headers that say what a response shows; true when the client's copy is current (a 304).
 * `private, no-cache`: a shared cache must never keep a copy that outlives a revoked link.
 */
export function describePublished(c: Context, view: PublishedView): boolean {
  c.header("ETag", view.etag);
  c.header("Cache-Control", "private, no-cache");
  c.header("Sluice-Generation", String(view.generation));
  if (view.asOf) c.header("Last-Modified", new Date(view.asOf).toUTCString());
  return c.req.header("if-none-match") === view.etag;
}
