import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { ASSETS } from "../web/assets";

const byPath = new Map<string, { type: string; body: string }>(Object.values(ASSETS).map((a) => [a.path, a]));

/** The pages' stylesheet and script; their paths carry a content digest, so they may be cached for a year. */
/** The tab icon every browser asks for; without it each page view logs a 404. */
const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d4ed8"/>'
  + '<path d="M6 11h20M6 16h14M6 21h20" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>';

export const assetRoutes = new Hono<AppEnv>()
  .get("/favicon.ico", (c) => {
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(FAVICON, 200, { "Content-Type": "image/svg+xml" });
  })
  .get("/assets/:file", (c) => {
  const asset = byPath.get(c.req.path);
  if (!asset) return c.notFound();
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(asset.body, 200, { "Content-Type": asset.type });
});
