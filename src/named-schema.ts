import * as v from "valibot";

/**
 * Names a schema for the OpenAPI document: hono-openapi's converter turns `metadata.ref` into
 * `components.schemas[name]` and a `$ref` wherever the schema is used, so generated clients get a
 * named type. `title` is what readers see for a union's variant (its tag: `transfer`, `label`…).
 * Validation is unchanged: metadata is not checked.
 */
export function named<const TSchema extends v.GenericSchema>(name: string, schema: TSchema, title?: string) {
  return v.pipe(schema, v.metadata({ ref: name, ...(title === undefined ? {} : { title }) }));
}
