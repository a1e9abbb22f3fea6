import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";

/**
 * Answers JSON shaped by the operation's documented response schema: the schema that documents
 * is the schema that shapes, so a field the document does not declare never reaches a client, and
 * a body that breaks its own contract is a 500 (logged) rather than a silent surprise. The schema
 * checks the body as it goes on the wire (a Date as its ISO string), which is what it documents; so
 * the body is typed loosely — presenters hand over database rows with Dates and plain strings —
 * and the check happens here, on every answer the API suite receives.
 */
export function reply<TSchema extends v.GenericSchema>(
  c: Context,
  schema: TSchema,
  body: unknown,
  status: ContentfulStatusCode = 200,
) {
  const shaped = v.safeParse(schema, JSON.parse(JSON.stringify(body)));
  if (!shaped.success) {
    const issue = shaped.issues[0];
    throw new Error(`response breaks its schema at ${v.getDotPath(issue) ?? "(root)"}: ${issue.message}`);
  }
  return c.json(shaped.output as object, status);
}
