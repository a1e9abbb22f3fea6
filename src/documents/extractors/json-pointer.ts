import * as v from "valibot";
import type { Candidate, ParsedDocument } from "../model";
import { JsonColumns } from "./items-schema";
import { WhenInput } from "./options";

/** A value by RFC 6901 pointer; with `columns`, the pointer names an array of objects whose items are line items. */
export const JsonPointerExtractorInput = v.strictObject({
  type: v.pipe(v.literal("json_pointer"), v.description("a value of a JSON document, by pointer")),
  pointer: v.pipe(
    v.string(), v.maxLength(1000), v.regex(/^(\/.*)?$/, "must be a JSON pointer: empty or starting with /"),
    v.description("an RFC 6901 pointer such as /invoice/total; for a table field, an array of objects"),
  ),
  columns: JsonColumns,
  when: v.optional(WhenInput),
});

/** RFC 6901: `/a/0/b~1c` walks object keys and array indices; `~1` is `/`, `~0` is `~`. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === "") return document;
  let current = document;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
      current = current[Number(key)];
    } else if (typeof current === "object" && current !== null && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else return undefined;
  }
  return current;
}

export function extractJsonPointer(parsed: ParsedDocument, pointer: string): Candidate[] {
  if (parsed.json === undefined) return [];
  const value = resolvePointer(parsed.json, pointer);
  if (value === undefined || value === null || value === "") return [];
  return [{ value, confidence: 1, provenance: { extractor: "json_pointer", page: 0, pointer } }];
}
