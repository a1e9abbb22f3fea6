import type { StandardSchemaV1 } from "@standard-schema/spec";

/**
 * Valibot's issues in our own words ("is required", "unknown field … did you mean …", "must be one
 * of …"), the way a person fixing a request wants them. A message a schema wrote itself (not
 * valibot's "Invalid …: Expected … but received …") is kept as it is.
 */

interface ValibotIssue extends StandardSchemaV1.Issue {
  kind?: string;
  type?: string;
  expected?: string | null;
  received?: string;
}

/** The parts of a valibot schema the walk below reads. */
interface SchemaNode {
  type?: string;
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  value?: SchemaNode;
  wrapped?: SchemaNode;
  options?: SchemaNode[] | unknown[];
  key?: string;
  literal?: unknown;
  getter?: (input: unknown) => SchemaNode;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known word closest to what was written, if it is close enough to be a slip. */
export function closest(written: string, known: readonly string[]): string | undefined {
  const lower = written.toLowerCase();
  let best: { word: string; d: number } | undefined;
  for (const word of known) {
    const d = distance(lower, word.toLowerCase());
    if (!best || d < best.d) best = { word, d };
  }
  return best && best.d <= Math.max(2, Math.floor(written.length / 3)) ? best.word : undefined;
}

const unwrap = (node: SchemaNode | undefined, input: unknown): SchemaNode | undefined => {
  let current = node;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current.wrapped) current = current.wrapped;
    else if (current.type === "lazy" && current.getter) current = current.getter(input);
    else break;
  }
  return current;
};

const literalsOf = (node: SchemaNode | undefined): unknown[] =>
  node?.literal !== undefined ? [node.literal] : Array.isArray(node?.options) ? (node.options as unknown[]).filter((o) => typeof o !== "object") : [];

/** A variant's option for this input (by its discriminator), or a union's object option sharing most keys with it. */
function choose(node: SchemaNode | undefined, input: unknown): SchemaNode | undefined {
  const options = node?.options as SchemaNode[] | undefined;
  const record = (input ?? {}) as Record<string, unknown>;
  if (node?.type === "variant" && options && node.key) {
    const option = options.find((o) => literalsOf(unwrap(o.entries?.[node.key!], undefined)).includes(record[node.key!]));
    return option && choose(unwrap(option, input), input);
  }
  if (node?.type === "union" && options) {
    const objects = options.map((o) => unwrap(o, input)).filter((o): o is SchemaNode => Boolean(o?.entries));
    const shared = (o: SchemaNode) => Object.keys(record).filter((k) => k in o.entries!).length;
    return objects.sort((a, b) => shared(b) - shared(a))[0];
  }
  return node;
}

/** The keys the object at `path` may have, found by walking the schema along the input. */
export function keysAt(schema: unknown, input: unknown, path: readonly PropertyKey[]): string[] {
  let node = choose(unwrap(schema as SchemaNode, input), input);
  let value = input;
  for (const segment of path) {
    value = (value as Record<PropertyKey, unknown> | undefined)?.[segment];
    const next = node?.entries ? node.entries[String(segment)] : node?.item ?? node?.value;
    node = choose(unwrap(next, value), value);
  }
  return node?.entries ? Object.keys(node.entries) : [];
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string", number: "a number", boolean: "true or false", Array: "an array", Object: "an object", null: "null",
  bigint: "an integer", Date: "a date",
};
const describe = (expected: string) =>
  expected.replace(/^\((.*)\)$/, "$1").split(" | ").map((part) => TYPE_WORDS[part] ?? part).join(" or ");

const quotedIn = (expected: string | null | undefined) => [...(expected ?? "").matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
const unquote = (received: string | undefined) => (received && /^".*"$/.test(received) ? JSON.parse(received) as string : undefined);
const suggestion = (word: string | undefined) => (word ? `; did you mean "${word}"?` : "");

/** One issue in our words; `schema` and `input` let an unknown key be matched against the keys allowed there. */
export function wordIssue(issue: ValibotIssue, schema: unknown, input: unknown): string {
  const { type, expected, received } = issue;
  const segments = (issue.path ?? []).map((s) => (typeof s === "object" ? s.key : s));
  if (issue.kind === "schema" && /object$/.test(type ?? "") && expected === "never") {
    const key = String(segments.at(-1));
    const known = keysAt(schema, input, segments.slice(0, -1));
    return `unknown field "${key}"${suggestion(closest(key, known))}${known.length > 0 && !closest(key, known) ? ` (allowed: ${known.join(", ")})` : ""}`;
  }
  if (issue.kind === "schema" && received === "undefined" && (/object$/.test(type ?? "") || type === "variant")) {
    const choices = type === "variant" ? quotedIn(expected) : [];
    return choices.length > 0 ? `is required: one of ${choices.map((c) => `"${c}"`).join(", ")}` : "is required";
  }
  if (issue.kind === "schema" && ["picklist", "literal", "variant", "enum", "union"].includes(type ?? "") && quotedIn(expected).length > 0) {
    const choices = quotedIn(expected);
    const written = unquote(received);
    return `must be ${choices.length === 1 ? `"${choices[0]}"` : `one of ${choices.map((c) => `"${c}"`).join(", ")}`}; got ${received}`
      + suggestion(written === undefined ? undefined : closest(written, choices));
  }
  const generic = /^Invalid ([\w ]+): Expected (.+) but received (.+)$/.exec(issue.message);
  if (!generic) return issue.message;
  if (issue.kind === "schema") return `must be ${describe(generic[2])}; got ${generic[3]}`;
  return `${generic[1]} must be ${generic[2]}; got ${generic[3]}`;
}
