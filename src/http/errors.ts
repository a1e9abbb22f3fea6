import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, errorBody, type ErrorCode } from "../errors";
import type { AppEnv } from "./env";

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
  413: "payload_too_large", 414: "uri_too_long", 415: "unsupported_media_type", 422: "unprocessable", 429: "rate_limited",
  431: "headers_too_large",
};

/** The one place errors become responses: the envelope of DESIGN.md §5, never a stack or SQL. */
export const renderError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException && CODE_BY_STATUS[err.status]) {
    const code = CODE_BY_STATUS[err.status];
    return c.json(errorBody(code, err.message || code.replace(/_/g, " ")), err.status);
  }
  const requestId = c.get("requestId");
  c.get("services")?.logger.error("unhandled error", {
    requestId, method: c.req.method, path: c.req.path, error: err instanceof Error ? err.stack ?? err.message : String(err),
  });
  return c.json(errorBody("internal", `internal error; quote request id ${requestId} when reporting it`, { request_id: requestId }), 500);
};

export const renderNotFound: NotFoundHandler<AppEnv> = (c: Context<AppEnv>) =>
  c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
