import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Logger } from "../logger";
import type { AppEnv } from "./env";

/**
 * An incoming id is kept only when it looks like an id (a UUID, a trace or ray id): it lands in
 * logs, headers and error bodies, so anything else is replaced rather than cleaned up.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{7,127}$/;

/** Every request gets an id, echoed as `X-Request-Id`; error bodies and log lines carry the same one. */
export const assignRequestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", id);
  c.header("X-Request-Id", id);
  await next();
};

/**
 * The route pattern (`/share/:token`), never the URL: paths carry ids and share tokens. The route
 * that answered when a handler did; else the one the request was bound for when a middleware
 * (auth, limits, guards) answered first; null when no route matched.
 */
export function routePattern(c: Context): string | null {
  const routes = matchedRoutes(c);
  const answered = routes[c.req.routeIndex];
  if (answered && answered.method !== "ALL") return answered.path;
  return routes.find((r) => r.method !== "ALL")?.path ?? null;
}

/** One structured line per request, written after the response (errors included) is settled. */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const keyId = c.get("caller")?.keyId;
    const fields = {
      request_id: c.get("requestId"),
      method: c.req.method,
      route: routePattern(c),
      status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      // The key's id, never the key: there only once authentication succeeded.
      ...(keyId ? { key_id: keyId } : {}),
    };
    if (status >= 500) logger.error("request", fields);
    else logger.info("request", fields);
  };
}
