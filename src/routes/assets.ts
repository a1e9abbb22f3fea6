import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { ASSETS } from "../web/assets";

const byPath = new Map<string, { type: string; body: string }>(Object.values(ASSETS).map((a) => [a.path, a]));

/** The pages' stylesheet and script; their paths carry a content digest, so they may be cached for a year. */
export const assetRoutes = new Hono<AppEnv>().get("/assets/:file", (c) => {
  const asset = byPath.get(c.req.path);
  if (!asset) return c.notFound();
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(asset.body, 200, { "Content-Type": asset.type });
});
