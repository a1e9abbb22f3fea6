import jsonata from "jsonata";
import { Pattern } from "../documents/pattern";
import { bound, JSONATA_OPTIONS } from "./expression-limits";

/**
 * Derived fields and cross-field rules are JSONata: a maintained, sandboxed interpreter with its
 * own parser (no `eval` or `new Function`, which Workers forbid), arithmetic, string and date
 * functions. Every evaluation runs bounded in time and size, with regex literals on RE2
 * (./expression-limits.ts).
 */
const CACHE_LIMIT = 500;
const compiled = new Map<string, jsonata.Expression>();
const guarded = new WeakMap<jsonata.Expression, Promise<jsonata.Expression>>();

function compile(source: string): jsonata.Expression {
  let expression = compiled.get(source);
  if (!expression) {
    if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
    expression = jsonata(source, JSONATA_OPTIONS as unknown as jsonata.JsonataOptions);
    compiled.set(source, expression);
  }
  return expression;
}

/** What the evaluator would refuse at run time, found when the definition is compiled instead. */
function refusal(node: unknown): string | undefined {
  if (Array.isArray(node)) return node.map(refusal).find(Boolean);
  if (typeof node !== "object" || node === null) return undefined;
  const n = node as Node;
  if (n.type === "regex" && n.value instanceof RegExp) {
    const reason = Pattern.check(n.value.source, n.value.flags);
    if (reason) return `regex /${n.value.source}/: ${reason}`;
  }
  if (n.type === "variable" && n.value === "eval") return "$eval is not available";
  return Object.values(n).map(refusal).find(Boolean);
}

type Node = { type?: string; value?: unknown; steps?: unknown[] } & Record<string, unknown>;

/** The field names an expression reads: the first step of every path (`subtotal` in `subtotal.amount`). */
function collectReferences(node: unknown, refs: Set<string>) {
  if (Array.isArray(node)) return node.forEach((child) => collectReferences(child, refs));
  if (typeof node !== "object" || node === null) return;
  const n = node as Node;
  if (n.type === "name" && typeof n.value === "string") refs.add(n.value);
  if (n.type === "path" && Array.isArray(n.steps)) {
    // Later steps and predicates name keys inside a value, relative to it, not fields of the record.
    const first = n.steps[0] as Node;
    if (first.type === "name" && typeof first.value === "string") refs.add(first.value);
    else collectReferences(first, refs);
    return;
  }
  for (const value of Object.values(n)) collectReferences(value, refs);
}

/** The context variables an expression reads (`rate` in `$context.rate`); empty for an expression that does not parse. */
export function contextReferences(source: string): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    const n = node as Node;
    const [first, second] = (n.type === "path" && Array.isArray(n.steps) ? n.steps : []) as Node[];
    if (first?.type === "variable" && first.value === "context" && second?.type === "name") names.add(String(second.value));
    Object.values(n).forEach(visit);
  };
  try {
    visit(compile(source).ast());
  } catch {
    return [];
  }
  return [...names];
}

export type ParsedExpression = { ok: true; references: string[] } | { ok: false; message: string };

export function parseExpression(source: string): ParsedExpression {
  try {
    const refs = new Set<string>();
    const ast = compile(source).ast();
    const refused = refusal(ast);
    if (refused) return { ok: false, message: refused };
    collectReferences(ast, refs);
    return { ok: true, references: [...refs] };
  } catch (error) {
    return { ok: false, message: (error as { message?: string }).message ?? "is not a valid expression" };
  }
}

/** Evaluates against the record's values (`{field: value}`); `undefined` when the expression selects nothing. */
export async function evaluateExpression(source: string, values: Record<string, unknown>, bindings?: Record<string, unknown>): Promise<unknown> {
  const expression = compile(source);
  let ready = guarded.get(expression);
  if (!ready) guarded.set(expression, (ready = bound(expression)));
  return (await ready).evaluate(values, bindings);
}
