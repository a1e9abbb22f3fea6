import type { MiddlewareHandler } from "hono";
import { ApiError, type IssueDetail } from "../errors";
import { RESERVED_NAMES } from "../pipeline/types";
import type { AppEnv } from "./env";
import { parseJsonBytes } from "./json-body";

/** Limits every request meets before a schema, a query or a recursion sees it (README §Limits). */
export const INPUT_LIMITS = { maxUrlLength: 8192, maxJsonDepth: 64 };
const MAX_REPORTED = 20;

const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be stored as text (Postgres refuses NUL; a lone surrogate is not UTF-8), or undefined. */
export function badText(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains a NUL character";
  if (!isWellFormed(text)) return "contains a lone UTF-16 surrogate";
  return undefined;
}

/**
 * Every problem of a decoded JSON value that no schema should have to think about: bad text in
 * strings and keys, `__proto__` keys, numbers that are not finite (`1e400`), nesting past the
 * limit. Iterative, so a deep value cannot overflow the stack here.
 */
export function inspectJson(value: unknown, prefix = ""): IssueDetail[] {
  const problems: IssueDetail[] = [];
  const stack: Array<[unknown, string, number]> = [[value, prefix, 0]];
  const at = (path: string) => path || "$";
  while (stack.length > 0 && problems.length < MAX_REPORTED) {
    const [item, path, depth] = stack.pop()!;
    if (typeof item === "string") {
      const reason = badText(item);
      if (reason) problems.push({ path: at(path), message: reason });
    } else if (typeof item === "number" && !Number.isFinite(item)) {
      problems.push({ path: at(path), message: "must be a finite number" });
    } else if (typeof item === "object" && item !== null) {
      if (depth >= INPUT_LIMITS.maxJsonDepth) {
        problems.push({ path: at(path), message: `nests deeper than ${INPUT_LIMITS.maxJsonDepth} levels` });
        continue;
      }
      for (const [key, child] of Object.entries(item)) {
        const childPath = path ? `${path}.${key}` : key;
        const reason = key === "__proto__" ? "is a reserved name" : badText(key);
        if (reason) problems.push({ path: at(childPath), message: `key ${reason}` });
        else stack.push([child, childPath, depth + 1]);
      }
    }
  }
  return problems;
}

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

/** Every route: an over-long URL is a 414 in the envelope (Node's own header limit is answered in the entry). */
export const urlGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.url.length > INPUT_LIMITS.maxUrlLength) {
    throw new ApiError("uri_too_long", `the URL is longer than ${INPUT_LIMITS.maxUrlLength} characters`);
  }
  await next();
};

/**
 * Guards `/v1/*` after authentication: bad text in the query string and anything `inspectJson`
 * finds in a JSON body is a 400 naming the path. The body is read as text once; the validator
 * after this parses it again from Hono's cache.
 */
export const inputGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const query: IssueDetail[] = [];
  // Most requests have no query string: parsing the URL for nothing was a measurable share of a read.
  const search = c.req.url.includes("?") ? new URL(c.req.url).searchParams : [];
  for (const [key, value] of search) {
    const reason = badText(key) ?? badText(value);
    if (reason) query.push({ path: `query.${key.replace(/\0/g, "\\0")}`, message: reason });
  }
  if (query.length > 0) throw new ApiError("bad_request", "invalid query", query);
  const contentType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
  if (c.req.method !== "GET" && JSON_MEDIA.test(contentType)) {
    const body = await guardJsonBody(await c.req.arrayBuffer());
    // The validator after this takes the value parsed here instead of parsing the body again.
    if (body !== undefined) c.req.json = async <T>() => body as T;
  }
  await next();
};

/** Only whitespace (stops at the first other byte, so a real body costs nothing here). */
const isBlank = (bytes: ArrayBuffer) => new Uint8Array(bytes).every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09);

async function guardJsonBody(bytes: ArrayBuffer): Promise<object | undefined> {
  if (isBlank(bytes)) return undefined;
  let body: unknown;
  try {
    body = await parseJsonBytes(bytes);
  } catch {
    // Also on routes that read no body: a client that sends broken JSON should hear so.
    throw new ApiError("bad_request", "malformed JSON body", [{ path: "$", message: "is not valid JSON" }]);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError("bad_request", "invalid body", [{ path: "$", message: "must be a JSON object" }]);
  }
  const problems = inspectJson(body);
  if (problems.length > 0) throw new ApiError("bad_request", "invalid body", problems);
  return body;
}
