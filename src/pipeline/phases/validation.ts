import { decidedCell, heldByReview, reason } from "../cells";
import type { CompiledPhase } from "../definition";
import { deriveFields } from "../derived";
import { itemsOf, itemTexts, itemValues } from "../items";
import { splitColumnRef } from "../items-definition";
import type { Cell, Cells, Verdict } from "../types";
import type { PhaseContext } from "./context";
import { checkRule } from "./rules";

type Decision = PhaseContext["decisions"][number];

const CHECKED = ["completed", "needs_review"] as const;
const checked = (cell: Cell) => (CHECKED as readonly string[]).includes(cell.status);

/** Values the rules see: completed ones and those parked for review (internal: never shown to consumers); items as objects. */
const checkedValues = (cells: Cells) =>
  Object.fromEntries(Object.entries(cells).filter(([, c]) => checked(c))
    .map(([name, c]) => [name, c.type === "table" ? itemValues(c, [...CHECKED]) : c.value]));

/** Where a verdict goes: a field, or one item cell of a table field. */
const cellKey = (field: string, item?: { index: number; column: string }) => (item ? `${field}\u0000${item.index}\u0000${item.column}` : field);

/** The strongest decision wins when several gates of one phase were decided: reject over not-in-the-document over override over approve. */
const RANK = { reject: 4, confirm_absent: 3, override: 2, approve: 1 } as const;

/**
 * Applies this phase's verdicts to one cell. A failing blocking gate parks it for review, unless a
 * reviewer already decided that (field, gate): decisions survive reruns. An override or reject
 * stands even when the gate now passes; an approval only ever releases a failing gate.
 */
function settleCell(cell: Cell, verdicts: Verdict[], decisions: Decision[]): Cell {
  const replaced = new Set(verdicts.map((v) => `${v.gate}/${v.rule}/${v.phase_index}`));
  const kept = (cell.meta.verdicts ?? []).filter((v) => !replaced.has(`${v.gate}/${v.rule}/${v.phase_index}`));
  const withVerdicts: Cell = { ...cell, meta: { ...cell.meta, verdicts: [...kept, ...verdicts] } };
  if (heldByReview(cell)) return withVerdicts;

  const failing = new Set(verdicts.filter((v) => !v.passed && v.mode === "blocking").map((v) => v.gate));
  const gates = new Set(verdicts.map((v) => v.gate));
  const applicable = decisions.filter((d) => gates.has(d.gate) && (failing.has(d.gate) || d.decision !== "approve"));
  const undecided = [...failing].filter((gate) => !decisions.some((d) => d.gate === gate));
  if (undecided.length > 0) {
    const messages = verdicts.filter((v) => !v.passed && undecided.includes(v.gate)).map((v) => `${v.gate}/${v.rule}: ${v.message}`);
    return {
      ...withVerdicts,
      status: "needs_review",
      resolved_by: null,
      reason: reason("gate_failed", `held by gate ${undecided.join(", ")}`, messages.join("; ")),
    };
  }
  if (applicable.length === 0) return withVerdicts;
  const strongest = applicable.reduce((a, b) => (RANK[b.decision] > RANK[a.decision] ? b : a));
  return decidedCell(withVerdicts, strongest);
}

type Rule = Parameters<typeof checkRule>[0];

/** The outcome of one rule per cell it addresses: the field's cell, or each item's cell of a column (`lines.amount`). */
async function judge(rule: Rule, values: Record<string, unknown>, ctx: PhaseContext) {
  const ref = splitColumnRef(rule.field);
  if (ref.column === null) return [{ key: cellKey(rule.field), outcome: await checkRule(rule, ctx.cells[rule.field], values, ctx) }];
  const column = ref.column;
  const items = itemsOf(ctx.cells[ref.field]);
  return Promise.all(items.map(async (item, index) => {
    const cell = item[column];
    const own = { ...values, [rule.field]: checked(cell) ? cell.value : null };
    return { key: cellKey(ref.field, { index, column }), outcome: await checkRule(rule, cell, own, ctx) };
  }));
}

/** Settles each item cell that got verdicts; a decision follows an item while it keeps its index and source text. */
function settleItems(cell: Cell, field: string, verdicts: Map<string, Verdict[]>, decisions: Decision[]): Cell {
  const texts = itemTexts(cell);
  const items = itemsOf(cell).map((item, index) => Object.fromEntries(Object.entries(item).map(([column, itemCell]) => {
    const list = verdicts.get(cellKey(field, { index, column }));
    if (!list) return [column, itemCell];
    const own = decisions.filter((d) => d.item_index === index && d.column === column && d.item_text === texts[index]);
    return [column, settleCell(itemCell, list, own)];
  })));
  return { ...cell, value: items };
}

/** Runs every gate of this phase, stores each verdict on its cell (item cells too), then settles derived values. */
export async function runValidation(ctx: PhaseContext): Promise<Cells> {
  const phase = ctx.pipeline.phases[ctx.phaseIndex] as Extract<CompiledPhase, { type: "validation" }>;
  const values = checkedValues(ctx.cells);
  const verdicts = new Map<string, Verdict[]>();
  for (const gate of phase.gates) {
    for (const rule of gate.rules) {
      for (const { key, outcome } of await judge(rule, values, ctx)) {
        if (!outcome) continue;
        const verdict: Verdict = {
          gate: gate.id,
          rule: rule.rule,
          mode: gate.mode,
          passed: outcome.passed,
          phase_index: ctx.phaseIndex,
          ...(outcome.message ? { message: outcome.message } : {}),
        };
        verdicts.set(key, [...(verdicts.get(key) ?? []), verdict]);
      }
    }
  }
  const cells: Cells = { ...ctx.cells };
  for (const [field, list] of verdicts) {
    if (field in cells) cells[field] = settleCell(cells[field], list, ctx.decisions.filter((d) => d.field === field && d.item_index == null));
  }
  for (const field of ctx.pipeline.fields) {
    if (!field.columns || heldByReview(cells[field.name])) continue;
    cells[field.name] = settleItems(cells[field.name], field.name, verdicts, ctx.decisions.filter((d) => d.field === field.name));
  }
  // A value this gate parked, or a reviewer's decision changed, reaches every value computed from it.
  return deriveFields(ctx.pipeline, cells, ctx.context, true);
}
