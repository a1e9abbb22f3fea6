import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, requestErrorBody, type ErrorCode } from "../errors";
import type { AppEnv } from "./env";
import { routePattern } from "./request-log";

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
  413: "payload_too_large", 414: "uri_too_long", 415: "unsupported_media_type", 422: "unprocessable", 429: "rate_limited",
  431: "headers_too_large",
};

/** The envelope plus the request id, so a caller can quote any failure and we can find its log line. */
function envelope(c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown) {
  return requestErrorBody(c.get("requestId"), code, message, details);
}

/** The one place errors become responses: the envelope of DESIGN.md §5, never a stack or SQL. */
export const renderError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) return c.json(envelope(c, err.code, err.message, err.details), err.status);
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

export const renderNotFound: NotFoundHandler<AppEnv> = (c: Context<AppEnv>) =>
  c.json(envelope(c, "not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
