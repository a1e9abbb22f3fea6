/** Runs the invoice definition's pure phases over a parsed document and scores what a consumer would be shown. */
import * as v from "valibot";
import { compileDefinition, FieldsInput, initialCells, PhasesInput, type CompiledPipeline } from "../../src/pipeline/definition";
import { runExtraction } from "../../src/pipeline/phases/extraction";
import { runResolution } from "../../src/pipeline/phases/resolution";
import { runValidation } from "../../src/pipeline/phases/validation";
import type { Cells, ParsedDocument } from "../../src/pipeline/types";
import { INVOICE_DEFINITION } from "./invoice-definition";
import type { Expected } from "./invoice-fixtures";

export const invoicePipeline = (): CompiledPipeline =>
  compileDefinition({ fields: v.parse(FieldsInput, INVOICE_DEFINITION.fields), phases: v.parse(PhasesInput, INVOICE_DEFINITION.phases) });

/** Extraction, resolution and the blocking gate, in order, as the engine runs them. */
export async function runInvoice(pipeline: CompiledPipeline, parsed: ParsedDocument): Promise<Cells> {
  const base = { pipeline, parsed, uniqueness: {}, decisions: [] };
  let cells = initialCells(pipeline);
  for (const phase of pipeline.phases) {
    const ctx = { ...base, phaseIndex: phase.index, cells };
    if (phase.type === "extraction") cells = await runExtraction(ctx);
    if (phase.type === "resolution") cells = await runResolution(ctx);
    if (phase.type === "validation") cells = await runValidation(ctx);
  }
  return cells;
}

export type FieldOutcome = "correct" | "silent_wrong" | "held" | "missing";

const same = (value: unknown, expected: unknown) =>
  typeof expected === "number" ? typeof value === "number" && Math.abs(value - expected) < 0.005 : value === expected;

/**
 * Per field: `correct` (released and right), `silent_wrong` (released past every gate, but wrong),
 * `held` (parked for review or failed to read: a person sees it), `missing` (no extractor found it).
 */
export function scoreInvoice(cells: Cells, expected: Expected): Record<string, { outcome: FieldOutcome; value: unknown }> {
  return Object.fromEntries(Object.entries(expected).map(([field, want]) => {
    const cell = cells[field];
    const outcome: FieldOutcome = cell.status === "completed" ? (same(cell.value, want) ? "correct" : "silent_wrong")
      : cell.status === "no_result" ? "missing" : "held";
    return [field, { outcome, value: cell.value }];
  }));
}
