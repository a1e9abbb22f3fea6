import type { CompiledPipeline } from "./definition";
import { itemsIncomplete } from "./items";
import { NOT_FOR_TYPE } from "./phases/extraction";
import type { Cells } from "./types";

/**
 * A processed document is `complete` when every required cell is completed and no cell failed or
 * waits for review; otherwise `partial`. An optional field with no result does not make it partial.
 */
export function documentOutcome(pipeline: CompiledPipeline, cells: Cells): "complete" | "partial" {
  for (const field of pipeline.fields) {
    const status = cells[field.name]?.status;
    if (status === "failed" || status === "needs_review") return "partial";
    if (field.required && status !== "completed" && cells[field.name]?.reason?.code !== NOT_FOR_TYPE) return "partial";
    if (field.columns && status === "completed" && itemsIncomplete(field, cells[field.name])) return "partial";
  }
  return "complete";
}
