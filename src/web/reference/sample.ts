import { refName, type Schema } from "./schema";

const PLACEHOLDER_BY_FORMAT: Record<string, string> = {
  uri: "https://example.com/file.pdf",
  email: "someone@example.com",
  uuid: "00000000-0000-4000-8000-000000000000",
  "date-time": "2026-01-31T09:00:00Z",
  date: "2026-01-31",
};

/**
 * A body with the schema's required fields only, for an operation whose document carries no
 * example: the curl line then sends something to start from instead of a file the reader lacks.
 * Documented values (example, default, const, first enum value) win over placeholders.
 */
export function skeleton(schema: Schema, components: Record<string, Schema>, seen: string[] = []): unknown {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    const target = components[name];
    return target && !seen.includes(name) ? skeleton(target, components, [...seen, name]) : {};
  }
  const documented = schema.examples;
  if (Array.isArray(documented) && documented.length) return documented[0];
  for (const known of [schema.example, schema.default, schema.const, schema.enum?.[0]]) if (known !== undefined) return known;
  const variant = (schema.oneOf ?? schema.anyOf)?.find((v) => v.type !== "null");
  if (variant) return skeleton(variant, components, seen);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => skeleton(part, components, seen)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "object" || schema.properties) {
    const required = schema.required ?? [];
    return Object.fromEntries(required.map((key) => [key, skeleton(schema.properties?.[key] ?? {}, components, seen)]));
  }
  if (type === "array") return schema.items && Number(schema.minItems ?? 0) > 0 ? [skeleton(schema.items, components, seen)] : [];
  if (type === "integer" || type === "number") return typeof schema.minimum === "number" ? schema.minimum : 1;
  if (type === "boolean") return false;
  if (type === "string") return PLACEHOLDER_BY_FORMAT[String(schema.format)] ?? "…";
  return null;
}
