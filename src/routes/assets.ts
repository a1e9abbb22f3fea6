import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { ASSETS } from "../web/assets";

const byPath = new Map<string, { type: string; body: string }>(Object.values(ASSETS).map((a) => [a.path, a]));

/** The pages' stylesheet and script; their paths carry a content digest, so they may be cached for a year. */
export const assetRoutes = new Hono<AppEnv>()
  // Browsers ask for /favicon.ico whatever a page links to: the same icon, cached for a day.
  .get("/favicon.ico", (c) => c.body(ASSETS.favicon.body, 200, {
    "Content-Type": ASSETS.favicon.type, "Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff",
  }))
  .get("/assets/:file", (c) => {
  const asset = byPath.get(c.req.path);
  if (!asset) return c.notFound();
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(asset.body, 200, { "Content-Type": asset.type });
});
