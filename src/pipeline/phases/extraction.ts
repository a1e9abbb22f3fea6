import { runExtractor } from "../../documents/extractors";
import { completed, heldByReview, reason, unresolved } from "../cells";
import { extractItems } from "../items";
import { PermanentPhaseError, type Cells, type FieldType } from "../types";
import type { PhaseContext } from "./context";

/** The reason of a field left out of a split part whose type it does not apply to; no such cell makes a document partial. */
export const NOT_FOR_TYPE = "not_for_type";

/**
 * For each field with extractors: try them in order (a waterfall) until one yields candidates.
 * The cell keeps every candidate of the winning extractor with provenance and confidence, and
 * the first one's raw value; resolution normalises and picks among them.
 */
export async function runExtraction(ctx: PhaseContext): Promise<Cells> {
  if (!ctx.parsed) throw new PermanentPhaseError("not_transferred", "the document has no parsed text; run transfer first");
  const cells: Cells = { ...ctx.cells };
  // A label's value is never another field's label (a header row of several labels): each label extractor knows them all.
  const otherLabels = ctx.pipeline.fields.flatMap((f) => f.extract.flatMap((e) => (e.type === "label" ? e.labels : [])));
  for (const field of ctx.pipeline.fields) {
    const cell = cells[field.name];
    if (field.extract.length === 0 || heldByReview(cell)) continue;
    if (field.types && ctx.partType !== undefined && !field.types.includes(ctx.partType ?? "")) {
      cells[field.name] = unresolved(cell, "no_result", reason(NOT_FOR_TYPE, "the field does not apply to this part's type", `the field applies to ${field.types.join(", ")}`), {});
      continue;
    }
    if (field.columns) {
      cells[field.name] = extractItems(field, cell, ctx.parsed);
      continue;
    }
    const tried: string[] = [];
    let found = false;
    for (const extractor of field.extract) {
      tried.push(extractor.type);
      const candidates = runExtractor(extractor, ctx.parsed, field.type as FieldType, field.preprocess, { otherLabels });
      if (candidates.length === 0) continue;
      const [best] = candidates;
      // `all`: every candidate is a match to aggregate, not an alternative for the policy to choose from.
      const all = "all" in extractor && extractor.all ? { all: true } : {};
      const meta = { candidates, provenance: best.provenance, confidence: best.confidence, ...all };
      cells[field.name] = completed(cell, best.value, `extraction:${extractor.type}`, meta);
      found = true;
      break;
    }
    if (!found) {
      cells[field.name] = unresolved(cell, "no_result", reason("not_found", "no extractor found a value", `tried ${tried.join(", ")}; none matched`), {});
    }
  }
  return cells;
}
