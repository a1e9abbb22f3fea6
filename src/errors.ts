import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Error codes of DESIGN.md §5, with the HTTP status each one always carries. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  headers_too_large: 431,
  internal: 500,
  service_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface IssueDetail {
  path: string;
  message: string;
}

/** The one error type handlers throw; `app.onError` renders it as the envelope. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export const badRequest = (message: string, details?: IssueDetail[]) => new ApiError("bad_request", message, details);
export const notFound = (what: string) => new ApiError("not_found", `${what} not found`);
export const conflict = (message: string) => new ApiError("conflict", message);

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The envelope with the id of the request it answers, which a caller quotes when reporting a
 * problem, and for a refused input the reference section of the operation (`docs`).
 */
export function requestErrorBody(requestId: string, code: ErrorCode, message: string, details?: unknown, docs?: string) {
  return { error: { ...errorBody(code, message, details).error, request_id: requestId, ...(docs ? { docs } : {}) } };
}

/** The /docs anchor of an operation; Hono's `:id` and OpenAPI's `{id}` give the same one. */
export const operationAnchor = (method: string, path: string) =>
  `${method.toLowerCase()}-${path.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
