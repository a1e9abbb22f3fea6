import { parseDate } from "../../documents/normalize/dates";
import { parseNumber } from "../../documents/normalize/numbers";
import { shown } from "../../documents/normalize/result";
import { Pattern } from "../../documents/pattern";
import type { Rule } from "../definition";
import { checkEquation } from "../equation";
import { evaluateExpression } from "../expressions";
import type { Cell, FieldKind } from "../types";
import type { PhaseContext } from "./context";

export interface RuleOutcome {
  passed: boolean;
  message?: string;
}

/** A comparable form of a value: numbers (and currency amounts) as numbers, dates as ISO strings. */
function comparable(value: unknown, type: FieldKind): number | string | null {
  if (type === "date") {
    const date = parseDate(value);
    return date.ok ? date.value : null;
  }
  if (type === "currency" && typeof value === "object" && value !== null) return (value as { amount: number }).amount;
  const number = parseNumber(value);
  return number.ok ? number.value : null;
}

function bound(rule: Extract<Rule, { rule: "min" | "max" }>, value: unknown, type: FieldKind): RuleOutcome {
  const actual = comparable(value, type);
  if (actual === null) return { passed: false, message: `${shown(value)} cannot be compared with ${rule.value}` };
  const passed = rule.rule === "min" ? actual >= rule.value : actual <= rule.value;
  return passed ? { passed } : { passed, message: `${actual} is ${rule.rule === "min" ? "below the minimum" : "above the maximum"} ${rule.value}` };
}

function dateBetween(rule: Extract<Rule, { rule: "date_between" }>, value: unknown): RuleOutcome {
  const date = parseDate(value);
  if (!date.ok) return { passed: false, message: date.message };
  const passed = (rule.from === undefined || date.value >= rule.from) && (rule.to === undefined || date.value <= rule.to);
  return passed ? { passed } : { passed, message: `${date.value} is outside ${rule.from ?? "…"} to ${rule.to ?? "…"}` };
}

async function expression(
  rule: Extract<Rule, { rule: "expression" }>, value: unknown, values: Record<string, unknown>, context: Record<string, unknown>,
): Promise<RuleOutcome> {
  try {
    const equation = await checkEquation(rule.expression, values, { value, context });
    if (equation) return equation.passed || !rule.message ? equation : { passed: false, message: `${rule.message}: ${equation.message}` };
    const result = await evaluateExpression(rule.expression, values, { value, context });
    return result === true ? { passed: true } : { passed: false, message: rule.message ?? `${rule.expression} does not hold` };
  } catch (error) {
    return { passed: false, message: `the expression failed: ${(error as { message?: string }).message ?? String(error)}` };
  }
}

const count = (n: number) => n.toLocaleString("en-US");

/** How many items a table field holds, against the bounds the definition states. */
function rowCount(rule: Extract<Rule, { rule: "row_count" }>, found: number): RuleOutcome {
  if (rule.min !== undefined && found < rule.min) return { passed: false, message: `found ${count(found)} items; at least ${count(rule.min)} expected` };
  if (rule.max !== undefined && found > rule.max) return { passed: false, message: `found ${count(found)} items; at most ${count(rule.max)} expected` };
  return { passed: true };
}

/**
 * One rule against one cell. `required` judges presence; every other rule judges only a value that
 * is there, so it returns null (no verdict) for a cell without one.
 */
export async function checkRule(rule: Rule, cell: Cell, values: Record<string, unknown>, ctx: PhaseContext): Promise<RuleOutcome | null> {
  if (rule.rule === "row_count") return rowCount(rule, Array.isArray(values[rule.field]) ? (values[rule.field] as unknown[]).length : 0);
  const present = rule.field in values && values[rule.field] !== null && values[rule.field] !== "";
  const value = values[rule.field];
  if (rule.rule === "required") {
    return present
      ? { passed: true }
      : {
        passed: false,
        message: `${rule.field} is required but ${cell.status === "no_result" ? "was not found" : `is ${cell.status}`}`,
      };
  }
  if (!present) return null;
  switch (rule.rule) {
    case "pattern": {
      const passed = Pattern.compile(rule.pattern, rule.flags).test(typeof value === "string" ? value : JSON.stringify(value));
      return passed ? { passed } : { passed, message: `${shown(value)} does not match ${rule.pattern}` };
    }
    case "min":
    case "max": return bound(rule, value, cell.type);
    case "enum": {
      const passed = rule.values.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value));
      return passed ? { passed } : { passed, message: `${shown(value)} is not one of the allowed values` };
    }
    case "date_between": return dateBetween(rule, value);
    case "expression": return expression(rule, value, values, ctx.context ?? {});
    case "unique": {
      const others = ctx.uniqueness[rule.field] ?? 0;
      return others === 0 ? { passed: true } : { passed: false, message: `${others} other document(s) of this run have the same ${rule.field}` };
    }
    case "min_confidence": {
      const confidence = cell.meta.confidence ?? 0;
      return confidence >= rule.value ? { passed: true } : { passed: false, message: `confidence ${confidence} is below ${rule.value}` };
    }
  }
}
