import jsonata from "jsonata";
import { Pattern } from "../documents/pattern";

/**
 * The ceilings every expression runs under (README §Expressions): what one expression may compute
 * before it fails with a clear message instead of taking the process down with it.
 */
export const EXPRESSION_LIMITS = {
  /** Longest string any step may produce, in UTF-16 units. */
  maxStringLength: 1_000_000,
  /** Most items in any array (sequence) a step may produce. */
  maxItems: 10_000,
  /** Characters all steps together may produce over one evaluation. */
  maxTotalChars: 32_000_000,
  /**
   * Work one evaluation may do, counted so the same expression on the same values gets the same
   * verdict on an idle and on a loaded machine: one unit per step JSONata evaluates, plus one per
   * value each step's result holds (a step that builds a large array pays for its size).
   * About 100 ms on an idle core.
   */
  workBudget: 200_000,
  /**
   * Last-resort wall clock (pauses not counted), far above what the work budget takes even on a
   * loaded machine: only a builtin whose cost the units miss can reach it.
   */
  guardMs: 10_000,
};
/** Evaluation pauses after this much work, or this long, so a long expression never holds the event loop. */
const SLICE_WORK = 5_000;
const SLICE_MS = 10;
/** Most values a single step's result may hold, however nested (keeps measuring cheap). */
const MAX_NODES = 100_000;

export class ExpressionLimitError extends Error {}

interface Budget {
  work: number;
  sliceWork: number;
  spentMs: number;
  sliceStart: number;
  chars: number;
}

const budgets = new WeakMap<object, Budget>();
const budgetOf = (environment: { base: object }) => {
  let budget = budgets.get(environment.base);
  if (!budget) budgets.set(environment.base, (budget = { work: 0, sliceWork: 0, spentMs: 0, sliceStart: Date.now(), chars: 0 }));
  return budget;
};

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function charge(budget: Budget, units: number) {
  budget.work += units;
  budget.sliceWork += units;
  if (budget.work > EXPRESSION_LIMITS.workBudget) {
    throw new ExpressionLimitError(`the expression took more than ${EXPRESSION_LIMITS.workBudget} steps`);
  }
}

/** Before every step: charge it, and yield the event loop every slice (of work or of time). */
function onEntry(_expr: unknown, _input: unknown, environment: { base: object }) {
  const budget = budgetOf(environment);
  charge(budget, 1);
  const elapsed = Date.now() - budget.sliceStart;
  if (budget.sliceWork < SLICE_WORK && elapsed < SLICE_MS) return;
  budget.spentMs += elapsed;
  if (budget.spentMs > EXPRESSION_LIMITS.guardMs) {
    throw new ExpressionLimitError(`the expression ran longer than ${EXPRESSION_LIMITS.guardMs} ms`);
  }
  return pause().then(() => {
    budget.sliceWork = 0;
    budget.sliceStart = Date.now();
  });
}

const isFunction = (value: object) => typeof value === "function" || "_jsonata_function" in value || "_jsonata_lambda" in value;

/** Characters and values a value holds; throws as soon as one string, one array or the whole value passes its ceiling. */
export function measure(value: unknown): { chars: number; nodes: number } {
  const { maxStringLength, maxItems } = EXPRESSION_LIMITS;
  let chars = 0;
  let nodes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (++nodes > MAX_NODES) throw new ExpressionLimitError(`a value holds more than ${MAX_NODES} items in all`);
    if (typeof item === "string") {
      if (item.length > maxStringLength) throw new ExpressionLimitError(`a string is longer than ${maxStringLength} characters`);
      chars += item.length;
    } else if (Array.isArray(item)) {
      if (item.length > maxItems) throw new ExpressionLimitError(`an array holds more than ${maxItems} items`);
      for (const element of item) stack.push(element);
    } else if (typeof item === "object" && item !== null && !isFunction(item)) {
      for (const [key, element] of Object.entries(item)) {
        chars += key.length;
        stack.push(element);
      }
    }
  }
  return { chars, nodes };
}

/** After every step: its result within the ceilings, and all results together within the total. */
function onExit(_expr: unknown, _input: unknown, environment: { base: object }, result: unknown) {
  const budget = budgetOf(environment);
  const { chars, nodes } = measure(result);
  charge(budget, nodes);
  budget.chars += chars;
  if (budget.chars > EXPRESSION_LIMITS.maxTotalChars) {
    throw new ExpressionLimitError(`the expression produced more than ${EXPRESSION_LIMITS.maxTotalChars} characters`);
  }
}

const tooLong = (what: string) => new ExpressionLimitError(`${what} would be longer than ${EXPRESSION_LIMITS.maxStringLength} characters`);

type Builtin = { _jsonata_function: true; implementation: (...args: unknown[]) => unknown; signature: unknown };
type Matcher = (text: string) => Promise<MatchStep | undefined> | MatchStep | undefined;
type MatchStep = { match: string; next: () => Promise<MatchStep | undefined> | MatchStep | undefined };

/** Matches of a `$replace` pattern (a string or a regex) up to `limit`: how many, and the longest. */
async function matchesOf(text: string, pattern: string | Matcher, limit: number) {
  let count = 0;
  let longest = 0;
  if (typeof pattern === "string") {
    for (let at = text.indexOf(pattern); at >= 0 && count < limit; at = text.indexOf(pattern, at + pattern.length)) count++;
    return { count, longest: pattern.length };
  }
  for (let step = await pattern(text); step && count < limit; step = await step.next()) {
    count++;
    longest = Math.max(longest, step.match.length);
  }
  return { count, longest };
}

/**
 * Builtins that could allocate past the ceilings inside one call (before the exit check sees the
 * result) are checked on their arguments first; `$eval` is off, so every expression is the one we checked.
 */
const guards: Record<string, (original: Builtin["implementation"]) => Builtin["implementation"]> = {
  pad: (original) => function (this: unknown, text, width, ...rest) {
    if (typeof width === "number" && Math.abs(width) > EXPRESSION_LIMITS.maxStringLength) throw tooLong("$pad's result");
    return original.call(this, text, width, ...rest);
  },
  join: (original) => function (this: unknown, strings, separator, ...rest) {
    if (Array.isArray(strings)) {
      const gaps = Math.max(0, strings.length - 1) * (typeof separator === "string" ? separator.length : 0);
      const total = strings.reduce((sum: number, s) => sum + (typeof s === "string" ? s.length : 0), gaps);
      if (total > EXPRESSION_LIMITS.maxStringLength) throw tooLong("$join's result");
    }
    return original.call(this, strings, separator, ...rest);
  },
  replace: (original) => async function (this: unknown, text, pattern, replacement, limit) {
    // A regex arrives as JSONata's matcher function; a user lambda as matcher is left to the exit checks.
    const countable = (typeof pattern === "string" && pattern !== "") || typeof pattern === "function";
    if (typeof text === "string" && typeof replacement === "string" && countable) {
      const { count, longest } = await matchesOf(text, pattern as string | Matcher, typeof limit === "number" ? limit : Infinity);
      const perMatch = replacement.length + (replacement.split("$").length - 1) * longest;
      if (text.length + count * perMatch > EXPRESSION_LIMITS.maxStringLength) throw tooLong("$replace's result");
    }
    return original.call(this, text, pattern, replacement, limit);
  },
  match: (original) => function (this: unknown, text, pattern, limit) {
    const cap = EXPRESSION_LIMITS.maxItems + 1;
    return original.call(this, text, pattern, typeof limit === "number" ? Math.min(limit, cap) : cap);
  },
  // JSONata compares every pair; primitives can go through a Set instead, other values stay small.
  distinct: (original) => function (this: unknown, items) {
    if (!Array.isArray(items) || items.length <= 1_000) return original.call(this, items);
    if (items.every((item) => typeof item !== "object" || item === null)) return [...new Set(items)];
    throw new ExpressionLimitError("$distinct takes at most 1000 objects or arrays");
  },
  eval: () => () => {
    throw new ExpressionLimitError("$eval is not available: an expression cannot build and run another");
  },
};

let guarded: Promise<Array<[string, Builtin]>> | undefined;

/** The guarded builtins, built once from JSONata's own (read by evaluating `$name`). */
function guardedBuiltins() {
  guarded ??= Promise.all(Object.entries(guards).map(async ([name, guard]) => {
    const original = (await jsonata(`$${name}`).evaluate({})) as Builtin;
    return [name, { ...original, implementation: guard(original.implementation) }] as [string, Builtin];
  }));
  return guarded;
}

/**
 * JSONata's regex literals run on RE2 too: JSONata only needs `exec` and `lastIndex` of its regex
 * engine, so this adapter gives it those over `Pattern`.
 */
export class LinearRegex {
  lastIndex = 0;
  private readonly pattern: Pattern;

  constructor(literal: RegExp) {
    this.pattern = Pattern.compile(literal.source, literal.flags);
  }

  exec(text: string): (RegExpExecArray & { index: number }) | null {
    const match = this.pattern.find(text, this.lastIndex);
    if (!match) {
      this.lastIndex = 0;
      return null;
    }
    const groups = Array.from({ length: this.pattern.groupCount + 1 }, (_, i) => match.group(i));
    this.lastIndex = match.end;
    return Object.assign(groups, { index: match.start, input: text }) as unknown as RegExpExecArray;
  }
}

/** Options for `jsonata(source, …)`: JSONata's own stack and sequence guardrails, and RE2 for regexes. */
export const JSONATA_OPTIONS = { stack: 200, sequence: EXPRESSION_LIMITS.maxItems, RegexEngine: LinearRegex };

/** Puts the hooks and guarded builtins on a compiled expression; call before its first evaluation. */
export async function bound(expression: jsonata.Expression): Promise<jsonata.Expression> {
  const assign = expression.assign as (name: string | symbol, value: unknown) => void;
  for (const [name, builtin] of await guardedBuiltins()) assign(name, builtin);
  assign(Symbol.for("jsonata.__evaluate_entry"), onEntry);
  assign(Symbol.for("jsonata.__evaluate_exit"), onExit);
  return expression;
}
