import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, operationAnchor, requestErrorBody, type ErrorCode } from "../errors";
import type { AppEnv } from "./env";
import { routePattern } from "./request-log";

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
  413: "payload_too_large", 414: "uri_too_long", 415: "unsupported_media_type", 422: "unprocessable", 429: "rate_limited",
  405: "method_not_allowed", 431: "headers_too_large",
};

/** The envelope plus the request id, so a caller can quote any failure and we can find its log line. */
function envelope(c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown, docs?: string) {
  return requestErrorBody(c.get("requestId"), code, message, details, docs);
}

/** For a refused input to an API operation: where its reference says what it takes. */
function docsLink(c: Context<AppEnv>, status: number): string | undefined {
  const route = routePattern(c);
  const publicUrl = c.get("services")?.config.publicUrl;
  if ((status !== 400 && status !== 422) || !route?.startsWith("/v1/") || !publicUrl) return undefined;
  return `${publicUrl}/docs#${operationAnchor(c.req.method, route)}`;
}

// Hono's own body parsers say "Malformed JSON in request body"; the input guard's words are ours.
const MALFORMED_JSON = /malformed json/i;

/** The one place errors become responses: the envelope of DESIGN.md §5, never a stack or SQL. */
export const renderError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) return c.json(envelope(c, err.code, err.message, err.details, docsLink(c, err.status)), err.status);
  if (err instanceof HTTPException && err.status === 400 && MALFORMED_JSON.test(err.message)) {
    return c.json(envelope(c, "bad_request", "malformed JSON body", [{ path: "$", message: "is not valid JSON" }], docsLink(c, 400)), 400);
  }
  if (err instanceof HTTPException && CODE_BY_STATUS[err.status]) {
    const code = CODE_BY_STATUS[err.status];
    return c.json(envelope(c, code, err.message || code.replace(/_/g, " ")), err.status);
  }
  const requestId = c.get("requestId");
  // The route pattern, not the path: share links carry their token in it.
  c.get("services")?.logger.error("unhandled error", {
    request_id: requestId, method: c.req.method, route: routePattern(c), error: err instanceof Error ? err.stack ?? err.message : String(err),
  });
  // details.request_id predates error.request_id; kept so clients written against it keep working.
  return c.json(envelope(c, "internal", `internal error; quote request id ${requestId} when reporting it`, { request_id: requestId }), 500);
};

interface KnownRoute {
  method: string;
  path: string;
}

/** A route path as a regular expression: `:name` (or `:name{re}`) one segment, `*` anything. */
function pathPattern(path: string): RegExp {
  const source = path.split("/").map((segment) => {
    const param = /^:\w+(?:\{(.+)\})?$/.exec(segment);
    if (param) return param[1] ?? "[^/]+";
    return segment === "*" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }).join("/");
  return new RegExp(`^${source}/?$`);
}

/**
 * No handler answered: a 405 with `Allow` when the path exists for other methods, else a 404.
 * `routes` is read on first use, when every route is registered.
 */
export function renderNotFound(routes: () => readonly KnownRoute[]): NotFoundHandler<AppEnv> {
  let patterns: Array<{ method: string; pattern: RegExp }> | undefined;
  return (c: Context<AppEnv>) => {
    patterns ??= routes().filter((r) => r.method !== "ALL").map((r) => ({ method: r.method, pattern: pathPattern(r.path) }));
    const allowed = new Set(patterns.filter((p) => p.pattern.test(c.req.path)).map((p) => p.method));
    if (allowed.size === 0 || allowed.has(c.req.method)) return c.json(envelope(c, "not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
    if (allowed.has("GET")) allowed.add("HEAD");
    const allow = [...allowed].sort().join(", ");
    c.header("Allow", allow);
    return c.json(envelope(c, "method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}; use ${allow}`), 405);
  };
}
