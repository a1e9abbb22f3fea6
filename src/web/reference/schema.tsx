import type { FC } from "hono/jsx";
import { Inline } from "./markdown";

/** The part of JSON Schema (as OpenAPI 3.1 uses it) the reference renders. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  title?: string;
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  patternProperties?: Record<string, Schema>;
  [constraint: string]: unknown;
}

/** What every schema view needs: the components `$ref`s point at, and the refs already open above (cycles). */
export interface SchemaContext {
  components: Record<string, Schema>;
  open: string[];
}

const REF_PREFIX = "#/components/schemas/";
const ENUM_SHOWN = 12;
/** Deeper objects start folded, so a large request body reads top-down without scrolling past every leaf. */
const FOLD_DEPTH = 2;

export const refName = (ref: string) => (ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref);
export const schemaAnchor = (name: string) => `schema-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;

const isNull = (s: Schema) => s.type === "null";
/** `anyOf: [X, {type: null}]`, valibot's nullable, reads as "X or null". */
const nullableOf = (s: Schema) => {
  const variants = s.anyOf ?? s.oneOf;
  return variants?.length === 2 && variants.some(isNull) ? variants.find((v) => !isNull(v)) : undefined;
};

/** The component a schema stands for: itself, its items, or the non-null side of a nullable. */
function refIn(s: Schema): string | undefined {
  const inner = nullableOf(s);
  if (inner) return refIn(inner);
  return s.$ref ?? (s.type === "array" && s.items ? refIn(s.items) : undefined);
}

/** A one-phrase type: `string`, `array of object`, `Error`, `integer or null`. */
export function typeLabel(s: Schema, components: Record<string, Schema> = {}): string {
  if (s.$ref) return refName(s.$ref);
  const inner = nullableOf(s);
  if (inner) return `${typeLabel(inner, components)} or null`;
  if (s.const !== undefined) return `constant ${JSON.stringify(s.const)}`;
  if (s.oneOf || s.anyOf) {
    const tag = tagProperty(s, components);
    return tag ? `one of, chosen by ${tag}` : "one of";
  }
  if (s.allOf) return "all of";
  if (Array.isArray(s.type)) return s.type.join(" or ");
  if (s.type === "array") return s.items ? `array of ${typeLabel(s.items, components)}` : "array";
  return s.type ?? (s.enum ? "enum" : "any");
}

const CONSTRAINTS: Array<[string, string]> = [
  ["format", "format"], ["minimum", "≥"], ["maximum", "≤"], ["exclusiveMinimum", ">"], ["exclusiveMaximum", "<"],
  ["minLength", "min length"], ["maxLength", "max length"], ["minItems", "min items"], ["maxItems", "max items"],
  ["pattern", "pattern"], ["default", "default"],
];

/** The constraints a caller must meet, as short facts: `format uuid`, `≤ 1000`, `one of: a, b`. */
export function facts(s: Schema): string[] {
  const out = CONSTRAINTS.filter(([key]) => s[key] !== undefined).map(([key, label]) => {
    const value = s[key];
    return `${label} ${typeof value === "string" ? value : JSON.stringify(value)}`;
  });
  if (s.enum) {
    const shown = s.enum.slice(0, ENUM_SHOWN).map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
    out.push(`one of: ${shown}${s.enum.length > ENUM_SHOWN ? `, … (${s.enum.length - ENUM_SHOWN} more)` : ""}`);
  }
  if (s.additionalProperties === false && s.properties) out.push("no other properties");
  return out;
}

/** The single value a variant fixes for a property (`const`, or a one-value `enum`), if it does. */
const fixedValue = (s: Schema | undefined) => (s?.const !== undefined ? s.const : s?.enum?.length === 1 ? s.enum[0] : undefined);

/** A `$ref` to a component as the component itself (for reading its properties), else the schema. */
const resolved = (s: Schema, components: Record<string, Schema>) => (s.$ref ? components[refName(s.$ref)] ?? s : s);

/** The property that tells a union's variants apart: the declared discriminator, or one every variant fixes. */
function tagProperty(s: Schema, components: Record<string, Schema> = {}): string | undefined {
  if (s.discriminator) return s.discriminator.propertyName;
  const variants = (s.oneOf ?? s.anyOf ?? []).map((v) => resolved(v, components));
  const first = variants[0]?.properties ?? {};
  return Object.keys(first).find((key) => variants.every((v) => fixedValue(v.properties?.[key]) !== undefined));
}

/**
 * What to call each variant of a union: its title, its discriminating value (`transfer`), its
 * component's name, else its type — numbered only when two would read the same.
 */
function variantNames(s: Schema, variants: Schema[], components: Record<string, Schema>): string[] {
  const tag = tagProperty(s, components);
  const mapped = Object.entries(s.discriminator?.mapping ?? {});
  const names = variants.map((v) => {
    if (v.title) return v.title;
    const fixed = tag ? fixedValue(resolved(v, components).properties?.[tag]) : undefined;
    if (fixed !== undefined) return typeof fixed === "string" ? fixed : JSON.stringify(fixed);
    const byMapping = mapped.find(([, ref]) => ref === v.$ref)?.[0];
    return byMapping ?? typeLabel(v);
  });
  return names.map((name, i) => (names.indexOf(name) === names.lastIndexOf(name) ? name : `${name} (${i + 1})`));
}

/** The schemas nested inside this one, each as a named entry of the tree. */
function children(s: Schema, components: Record<string, Schema> = {}): Array<{ name: string; schema: Schema; required?: boolean }> {
  const inner = nullableOf(s);
  if (inner) return children(inner, components);
  if (s.type === "array" && s.items) return children(s.items, components);
  const entries = Object.entries(s.properties ?? {}).map(([name, schema]) => ({ name, schema, required: s.required?.includes(name) }));
  for (const [pattern, schema] of Object.entries(s.patternProperties ?? {})) entries.push({ name: `/${pattern}/`, schema, required: false });
  if (typeof s.additionalProperties === "object") entries.push({ name: "any other key", schema: s.additionalProperties, required: false });
  const variants = s.oneOf ?? s.anyOf ?? [];
  const names = variantNames(s, variants, components);
  variants.forEach((schema, i) => entries.push({ name: names[i], schema, required: undefined }));
  (s.allOf ?? []).forEach((schema, i) => entries.push({ name: `part ${i + 1}`, schema, required: undefined }));
  return entries;
}

const RefLink: FC<{ name: string }> = ({ name }) => <a href={`#${schemaAnchor(name)}`}>{name}</a>;

/** One line about a schema: its type (a link for a `$ref`), required, facts, description. */
const Line: FC<{ schema: Schema; ctx: SchemaContext; required?: boolean }> = ({ schema, ctx, required }) => {
  const ref = refIn(schema);
  const label = typeLabel(schema, ctx.components);
  // A component with no fields of its own (an enum such as CellStatus) shows its values right here.
  const target = ref ? ctx.components[refName(ref)] : undefined;
  const targetFacts = target && children(target, ctx.components).length === 0 ? facts(target) : [];
  // The component's name inside the phrase becomes its link: `array of <Thing>`, `<Thing> or null`.
  const name = ref ? refName(ref) : "";
  const at = name ? label.indexOf(name) : -1;
  return (
    <>
      <span class="type">{at >= 0 ? <>{label.slice(0, at)}<RefLink name={name} />{label.slice(at + name.length)}</> : label}</span>
      {required && <span class="req">required</span>}
      {[...facts(schema), ...targetFacts].map((f) => <span class="fact">{f}</span>)}
      {schema.description && <span class="desc"><Inline text={schema.description} /></span>}
    </>
  );
};

/** The nested entries of a schema, `$ref`s resolved in place (folded) unless already open above. */
export const SchemaTree: FC<{ schema: Schema; ctx: SchemaContext; depth?: number }> = ({ schema, ctx, depth = 0 }) => {
  const ref = refIn(schema);
  if (ref) {
    const name = refName(ref);
    const target = ctx.components[name];
    if (!target || ctx.open.includes(name) || children(target, ctx.components).length === 0) return null;
    return (
      <details open={depth === 0}>
        <summary>fields of {name}</summary>
        {/* Folded once already: the component's own fields start unfolded inside. */}
        <SchemaTree schema={target} ctx={{ ...ctx, open: [...ctx.open, name] }} depth={0} />
      </details>
    );
  }
  const entries = children(schema, ctx.components);
  if (entries.length === 0) return null;
  const list = (
    <ul class="schema">
      {entries.map((e) => (
        <li>
          <code class="name">{e.name}</code> <Line schema={e.schema} ctx={ctx} required={e.required} />
          <SchemaTree schema={e.schema} ctx={ctx} depth={depth + 1} />
        </li>
      ))}
    </ul>
  );
  if (depth < FOLD_DEPTH) return list;
  return <details><summary>{entries.length} {entries.length === 1 ? "entry" : "entries"}</summary>{list}</details>;
};

/** A whole schema: its top line, then its tree. */
export const SchemaView: FC<{ schema: Schema; ctx: SchemaContext; required?: boolean }> = ({ schema, ctx, required }) => (
  <div class="schema-view">
    <p class="schema-top"><Line schema={schema} ctx={ctx} required={required} /></p>
    <SchemaTree schema={schema} ctx={ctx} />
  </div>
);
