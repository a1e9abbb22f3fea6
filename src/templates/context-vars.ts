import * as v from "valibot";
import { badRequest, type IssueDetail } from "../errors";
import type { DefinitionInput } from "../pipeline/definition";
import { contextReferences } from "../pipeline/expressions";

/** The most caller context a run carries (serialised JSON). */
export const MAX_CONTEXT_BYTES = 16 * 1024;

const CONTEXT_TYPES = ["string", "number", "integer", "boolean", "object", "array"] as const;

/** A variable a published template declares; expressions read it as `$context.<name>`. */
export const ContextVarInput = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "letters, digits and _, not starting with a digit")),
  type: v.optional(v.picklist(CONTEXT_TYPES), "string"),
  required: v.optional(v.boolean(), false),
  default: v.optional(v.unknown()),
  description: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
export type ContextVar = v.InferOutput<typeof ContextVarInput>;

const matches = (type: ContextVar["type"], value: unknown) =>
  type === "array" ? Array.isArray(value)
  : type === "object" ? typeof value === "object" && value !== null && !Array.isArray(value)
  : type === "integer" ? Number.isInteger(value)
  : typeof value === type;

export const ContextVarsInput = v.pipe(
  v.array(v.pipe(
    ContextVarInput,
    v.forward(v.check((x) => x.default === undefined || matches(x.type, x.default), "must be of the variable's type"), ["default"]),
  )),
  v.maxLength(50),
  v.check((vars) => new Set(vars.map((x) => x.name)).size === vars.length, "variable names must be unique"),
);

/** Caller JSON for a run: an object of at most 16 KB. */
export const ContextInput = v.pipe(
  v.record(v.string(), v.unknown()),
  v.check((ctx) => new TextEncoder().encode(JSON.stringify(ctx)).length <= MAX_CONTEXT_BYTES, `must be at most ${MAX_CONTEXT_BYTES} bytes of JSON`),
);

/** A template's expressions may read only the context variables it declares: each other one is a problem at its expression. */
export function contextReferenceProblems(definition: DefinitionInput & { context_vars?: ContextVar[] }): IssueDetail[] {
  // Read from a body the schema may have refused too, so every list is looked at only when it is one.
  const list = <T>(x: T[] | undefined): T[] => (Array.isArray(x) ? x : []);
  const declared = new Set(list(definition.context_vars).map((x) => x?.name));
  const problems: IssueDetail[] = [];
  const check = (source: unknown, path: string) => {
    if (typeof source !== "string") return;
    for (const name of contextReferences(source)) {
      if (!declared.has(name)) problems.push({ path, message: `reads $context.${name}, which context_vars does not declare` });
    }
  };
  list(definition.fields).forEach((f, i) => check(f?.expression, `fields.${i}.expression`));
  list(definition.phases).forEach((p, i) => p?.type === "validation" && list(p.gates).forEach((g, j) => list(g?.rules).forEach((r, k) => {
    if (r?.rule === "expression") check(r.expression, `phases.${i}.gates.${j}.rules.${k}.expression`);
  })));
  return problems;
}

/**
 * The context a run's expressions see: the caller's values, defaults for the declared variables
 * the caller left out; a missing required variable or a value of the wrong type is a 400 at its path.
 */
export function resolveContext(vars: ContextVar[], given: Record<string, unknown> | undefined): Record<string, unknown> {
  const context = { ...given };
  const problems: IssueDetail[] = [];
  for (const variable of vars) {
    const path = `context.${variable.name}`;
    if (context[variable.name] === undefined && variable.default !== undefined) context[variable.name] = variable.default;
    const value = context[variable.name];
    if (value === undefined) {
      if (variable.required) problems.push({ path, message: `required by the template${variable.description ? `: ${variable.description}` : ""}` });
    } else if (!matches(variable.type, value)) {
      problems.push({ path, message: `must be of type ${variable.type}` });
    }
  }
  if (problems.length > 0) throw badRequest("invalid context", problems);
  return context;
}
