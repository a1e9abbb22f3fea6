import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";
import type { AppEnv } from "./env";
import { routePattern } from "./request-log";

/** One answer in this many is checked under RESPONSE_CHECK=sample. */
const SAMPLE_EVERY = 100;
let answered = 0;

/**
 * Answers JSON that the operation's documented response schema describes. Presenters build exactly
 * the documented fields (Dates go out as ISO strings through JSON.stringify), so the body is
 * serialised once, here, and not validated on the way: checking and re-serialising every answer
 * cost more than the rest of a read. Whether presenters keep that promise is RESPONSE_CHECK's job:
 * `strict` (the test harness) checks every answer, and one that breaks its schema or carries a
 * field the schema does not declare is a 500 naming the path; `sample` (the default) checks one
 * answer in 100 and logs a broken one; `off` checks none.
 */
export function reply<TSchema extends v.GenericSchema>(
  c: Context,
  schema: TSchema,
  body: unknown,
  status: ContentfulStatusCode = 200,
) {
  const { config, logger } = (c as Context<AppEnv>).get("services");
  const mode = config.responseCheck;
  if (mode === "strict" || (mode === "sample" && answered++ % SAMPLE_EVERY === 0)) {
    const problem = schemaProblem(schema, body);
    if (problem && mode === "strict") throw new Error(`response breaks its schema at ${problem}`);
    if (problem) logger.error("response_schema_drift", { route: routePattern(c), problem });
  }
  return c.json(body as object, status);
}

/** Where the body, as it goes on the wire, breaks the schema or carries an undeclared field; undefined when it keeps to it. */
export function schemaProblem(schema: v.GenericSchema, body: unknown): string | undefined {
  const wire: unknown = JSON.parse(JSON.stringify(body));
  const shaped = v.safeParse(schema, wire);
  if (!shaped.success) return `${v.getDotPath(shaped.issues[0]) ?? "(root)"}: ${shaped.issues[0].message}`;
  const extra = undeclared(wire, shaped.output, "");
  return extra === undefined ? undefined : `${extra}: not declared by the schema`;
}

/** The first key of `wire` that the schema's output dropped (an object schema strips what it does not declare). */
function undeclared(wire: unknown, shaped: unknown, path: string): string | undefined {
  if (typeof wire !== "object" || wire === null || typeof shaped !== "object" || shaped === null) return undefined;
  for (const [key, value] of Object.entries(wire)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in shaped)) return at;
    const found = undeclared(value, (shaped as Record<string, unknown>)[key], at);
    if (found !== undefined) return found;
  }
  return undefined;
}
