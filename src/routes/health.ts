import { describeRoute } from "hono-openapi";
import { Hono } from "hono";
import { sql } from "kysely";
import { VERSION } from "../version";
import { success } from "../http/openapi";
import type { AppEnv } from "../http/env";

/** Liveness plus a real database round trip; no key needed, so probes can call it. */
export const healthRoutes = new Hono<AppEnv>().get("/healthz", describeRoute({
  summary: "Health: database reachability and version",
  tags: ["public"],
  responses: {
    ...success(200, "{ status: ok, db: ok, version }"),
    503: {
      description: "{ status: degraded, db: unreachable, version }",
      content: { "application/json": { schema: { type: "object" } } },
    },
  },
}), async (c) => {
  const { db, logger } = c.get("services");
  const dbOk = await sql`select 1`.execute(db).then(() => true, (error: unknown) => {
    logger.warn("health check: database unreachable", { error: String(error) });
    return false;
  });
  return c.json({ status: dbOk ? "ok" : "degraded", db: dbOk ? "ok" : "unreachable", version: VERSION }, dbOk ? 200 : 503);
});
