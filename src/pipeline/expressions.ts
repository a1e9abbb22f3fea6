import jsonata from "jsonata";

/**
 * Derived fields and cross-field rules are JSONata: a maintained, sandboxed interpreter with its
 * own parser (no `eval` or `new Function`, which Workers forbid), arithmetic, string and date
 * functions, and guardrails for time, stack depth and sequence length that we always set.
 */
const GUARDRAILS = { timeout: 100, stack: 200, sequence: 10_000 };
const CACHE_LIMIT = 500;
const compiled = new Map<string, jsonata.Expression>();

function compile(source: string): jsonata.Expression {
  let expression = compiled.get(source);
  if (!expression) {
    if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
    expression = jsonata(source, GUARDRAILS);
    compiled.set(source, expression);
  }
  return expression;
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
    collectReferences(compile(source).ast(), refs);
    return { ok: true, references: [...refs] };
  } catch (error) {
    return { ok: false, message: (error as { message?: string }).message ?? "is not a valid expression" };
  }
}

/** Evaluates against the record's values (`{field: value}`); `undefined` when the expression selects nothing. */
export async function evaluateExpression(source: string, values: Record<string, unknown>, bindings?: Record<string, unknown>): Promise<unknown> {
  return compile(source).evaluate(values, bindings);
}
