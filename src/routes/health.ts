import { describeRoute } from "hono-openapi";
import { Hono } from "hono";
import { sql } from "kysely";
import * as v from "valibot";
import { named } from "../named-schema";
import { ApiError } from "../errors";
import { VERSION } from "../version";
import { failure, success } from "../http/openapi";
import { reply } from "../http/respond";
import type { AppEnv } from "../http/env";

const HealthSchema = named("Health", v.object({
  status: v.literal("ok"),
  db: v.pipe(v.literal("ok"), v.description("a real database round trip succeeded")),
  version: v.string(),
}));

const getHealthRoute = describeRoute({
  operationId: "getHealth",
  summary: "Health: database reachability and version",
  description: "No key needed, so probes can call it. Every call makes one database round trip.",
  tags: ["public"],
  responses: {
    ...success(200, "Up, with a reachable database", HealthSchema, { example: { status: "ok", db: "ok", version: VERSION } }),
    ...failure(503, "The database is unreachable (service_unavailable)"),
  },
});

/** Liveness plus a real database round trip; an unreachable database is a 503 in the error envelope. */
export const healthRoutes = new Hono<AppEnv>().get("/healthz", getHealthRoute, async (c) => {
  const { db, logger } = c.get("services");
  const dbOk = await sql`select 1`.execute(db).then(() => true, (error: unknown) => {
    logger.warn("health check: database unreachable", { error: String(error) });
    return false;
  });
  if (!dbOk) throw new ApiError("service_unavailable", `database unreachable (version ${VERSION})`);
  return reply(c, HealthSchema, { status: "ok", db: "ok", version: VERSION });
});
