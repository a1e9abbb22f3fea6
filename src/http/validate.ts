import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context, Env, ValidationTargets } from "hono";
import { validator } from "hono-openapi";
import { ApiError, type IssueDetail } from "../errors";
import { wordIssue } from "./issue-wording";

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

/**
 * Checks across fields that a schema cannot make; run on the raw input too, so one answer lists every
 * problem. May read (a PATCH checks the draft it would make from the stored one).
 */
export type CrossCheck = (input: unknown, c: Context) => IssueDetail[] | Promise<IssueDetail[]>;

const joinPath = (prefix: string | undefined, keys: string[]) => [prefix, ...keys].filter((part) => part !== undefined && part !== "").join(".") || "$";

/**
 * Turns Standard Schema issues into the `details` of a 400: one `{path, message}` per problem, in
 * our words. Given the schema and the input, a misspelt key is matched against the keys allowed
 * there, and the "is required" of the key it was meant to be is left out (renaming fixes both).
 */
export function issueDetails(issues: readonly StandardSchemaV1.Issue[], prefix?: string, schema?: unknown, input?: unknown): IssueDetail[] {
  const details = issues.map((issue) => {
    const keys = (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment));
    return { path: joinPath(prefix, keys), message: wordIssue(issue, schema, input) };
  });
  const meant = new Set(details.flatMap((d) => {
    const match = /did you mean "([^"]+)"/.exec(d.message);
    return match && d.message.startsWith("unknown field") ? [`${d.path.replace(/[^.]+$/, "")}${match[1]}`] : [];
  }));
  return details.filter((d) => !(d.message === "is required" && meant.has(d.path)));
}

/** Cross-field problems of an input the schema refused, where they do not repeat a schema problem's place. */
export async function crossProblems(check: CrossCheck | undefined, input: unknown, c: Context, reported: IssueDetail[]): Promise<IssueDetail[]> {
  if (!check) return [];
  let problems: IssueDetail[];
  try {
    problems = await check(input, c);
  } catch {
    // The input may be too malformed to check further; the schema's problems say so already.
    return [];
  }
  const near = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  return problems.filter((p) => !reported.some((r) => near(p.path, r.path)));
}

/**
 * Validates one part of the request with a valibot schema (documented in OpenAPI by hono-openapi)
 * and throws the standard 400 on failure, so handlers only see valid input. `alsoCheck` adds the
 * cross-field problems of a refused body, so a caller fixes everything in one round.
 */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S, alsoCheck?: CrossCheck) {
  return validator(target, schema, async (result, c: Context<Env>) => {
    if (target === "json") requireJsonBody(c);
    if (!result.success) {
      const where = target === "json" ? "body" : target;
      const details = issueDetails(result.error, target === "json" ? undefined : target, schema, result.data);
      throw new ApiError("bad_request", `invalid ${where}`, [...details, ...(await crossProblems(alsoCheck, result.data, c, details))]);
    }
  });
}

function requireJsonBody(c: Context) {
  const contentType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
  if (!JSON_MEDIA.test(contentType)) {
    throw new ApiError("unsupported_media_type", "request body must be application/json");
  }
}
