import { decidedCell, heldByReview, reason } from "../cells";
import type { CompiledPhase } from "../definition";
import { deriveFields } from "../derived";
import type { Cell, Cells, Verdict } from "../types";
import type { PhaseContext } from "./context";
import { checkRule } from "./rules";

type Decision = PhaseContext["decisions"][number];

/** Values the rules see: completed ones and those parked for review (internal: never shown to consumers). */
const checkedValues = (cells: Cells) =>
  Object.fromEntries(Object.entries(cells).filter(([, c]) => c.status === "completed" || c.status === "needs_review").map(([name, c]) => [name, c.value]));

/** The strongest decision wins when several gates of one phase were decided: reject over override over approve. */
const RANK = { reject: 3, override: 2, approve: 1 } as const;

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
    return { ...withVerdicts, status: "needs_review", resolved_by: null, reason: reason("gate_failed", `held by gate ${undecided.join(", ")}`, messages.join("; ")) };
  }
  if (applicable.length === 0) return withVerdicts;
  const strongest = applicable.reduce((a, b) => (RANK[b.decision] > RANK[a.decision] ? b : a));
  return decidedCell(withVerdicts, strongest);
}

/** Runs every gate of this validation phase, stores each verdict on its cell, then settles derived values. */
export async function runValidation(ctx: PhaseContext): Promise<Cells> {
  const phase = ctx.pipeline.phases[ctx.phaseIndex] as Extract<CompiledPhase, { type: "validation" }>;
  const values = checkedValues(ctx.cells);
  const verdicts = new Map<string, Verdict[]>();
  for (const gate of phase.gates) {
    for (const rule of gate.rules) {
      const outcome = await checkRule(rule, ctx.cells[rule.field], values, ctx);
      if (!outcome) continue;
      const verdict: Verdict = { gate: gate.id, rule: rule.rule, mode: gate.mode, passed: outcome.passed, phase_index: ctx.phaseIndex, ...(outcome.message ? { message: outcome.message } : {}) };
      verdicts.set(rule.field, [...(verdicts.get(rule.field) ?? []), verdict]);
    }
  }
  const cells: Cells = { ...ctx.cells };
  for (const [field, list] of verdicts) {
    cells[field] = settleCell(cells[field], list, ctx.decisions.filter((d) => d.field === field));
  }
  // A value this gate parked, or a reviewer's decision changed, reaches every value computed from it.
  return deriveFields(ctx.pipeline, cells, ctx.context, true);
}
