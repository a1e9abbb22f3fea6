import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context, Env, ValidationTargets } from "hono";
import { validator } from "hono-openapi";
import { ApiError, type IssueDetail } from "../errors";

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

/** Turns Standard Schema issues into the `details` of a 400: one `{path, message}` per problem. */
export function issueDetails(issues: readonly StandardSchemaV1.Issue[], prefix?: string): IssueDetail[] {
  return issues.map((issue) => {
    const keys = (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment));
    const path = [prefix, ...keys].filter((part) => part !== undefined && part !== "").join(".");
    return { path: path || "$", message: issue.message };
  });
}

/**
 * Validates one part of the request with a valibot schema (documented in OpenAPI by hono-openapi)
 * and throws the standard 400 on failure, so handlers only see valid input.
 */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result, c: Context<Env>) => {
    if (target === "json") requireJsonBody(c);
    if (!result.success) {
      const where = target === "json" ? "body" : target;
      throw new ApiError("bad_request", `invalid ${where}`, issueDetails(result.error, target === "json" ? undefined : target));
    }
  });
}

function requireJsonBody(c: Context) {
  const contentType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
  if (!JSON_MEDIA.test(contentType)) {
    throw new ApiError("unsupported_media_type", "request body must be application/json");
  }
}
