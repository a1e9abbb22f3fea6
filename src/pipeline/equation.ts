import { evaluateExpression } from "./expressions";

/** Two amounts that differ by at most this much are equal (cents rounding across many items). */
export const TOLERANCE = 0.01;

/** The two sides of a top-level `=` (not `!=`, `<=`, `>=`), outside brackets and strings; null otherwise. */
export function splitEquation(source: string): [string, string] | null {
  let depth = 0;
  let quote: string | null = null;
  let at = -1;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (ch === "=" && depth === 0 && !"!<>:".includes(source[i - 1] ?? "")) {
      if (at >= 0) return null;
      at = i;
    }
  }
  return at > 0 ? [source.slice(0, at).trim(), source.slice(at + 1).trim()] : null;
}

const amount = (value: unknown) => {
  const n = typeof value === "object" && value !== null ? (value as { amount?: unknown }).amount : value;
  return typeof n === "number" ? n : null;
};

const shownNumber = (n: number, money: boolean) =>
  n.toLocaleString("en-US", money ? { minimumFractionDigits: 2, maximumFractionDigits: 2 } : { maximumFractionDigits: 2 });

/** `$sum(lines.amount)` reads "items sum to", `$count(lines)` "found … items"; any other side "<side> is". */
function described(side: string, n: number, money: boolean): string {
  if (/^\$sum\(\s*[A-Za-z_]\w*\.[A-Za-z_]\w*\s*\)$/.test(side)) return `items sum to ${shownNumber(n, money)}`;
  if (/^\$count\(\s*[A-Za-z_]\w*\s*\)$/.test(side)) return `found ${shownNumber(n, false)} items`;
  return `${side} is ${shownNumber(n, money)}`;
}

export type EquationOutcome = { passed: boolean; message?: string } | null;

/**
 * A numeric equation (`$sum(lines.amount) = subtotal`) holds within TOLERANCE, and when it does not,
 * says what each side came to: "items sum to 1,180.00; subtotal is 1,200.00". Null when the
 * expression is not an equation between two numbers, so the caller judges it as written.
 */
export async function checkEquation(
  source: string, values: Record<string, unknown>, bindings: Record<string, unknown>,
): Promise<EquationOutcome> {
  const sides = splitEquation(source);
  if (!sides) return null;
  const [left, right] = await Promise.all(sides.map((side) => evaluateExpression(side, values, bindings)));
  const [l, r] = [amount(left), amount(right)];
  if (l === null || r === null) return null;
  if (Math.abs(l - r) <= TOLERANCE + Number.EPSILON * Math.max(1, Math.abs(l), Math.abs(r))) return { passed: true };
  // Amounts read as money on both sides (two decimals) when either side is one; counts stay whole.
  const money = !Number.isInteger(l) || !Number.isInteger(r) || sides.some((side) => /^\$sum\(/.test(side));
  return { passed: false, message: `${described(sides[0], l, money)}; ${described(sides[1], r, money)}` };
}
