import type { DeliveryState } from "../../db/queries/deliveries";
import type { CompiledPipeline } from "../definition";
import type { Cells, ParsedDocument } from "../types";

/** What a pure phase (extraction, resolution, validation) reads; it returns the document's new cells. */
export interface PhaseContext {
  pipeline: CompiledPipeline;
  phaseIndex: number;
  parsed: ParsedDocument | null;
  cells: Cells;
  /** Per unique-checked field: how many other documents of the run hold the same value. */
  uniqueness: DeliveryState["uniqueness"];
  /** Reviewer decisions on this document, one per (field, gate), kept across reruns. */
  decisions: DeliveryState["decisions"];
  /** The run's context variables, read by expressions as `$context.<name>`. */
  context?: Record<string, unknown>;
  /** A part of a split file: its type (null when unclassified); absent for other documents. */
  partType?: string | null;
}
