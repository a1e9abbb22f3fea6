import type { PipelineRow } from "../db/queries/pipelines";
import type { CompiledPipeline } from "./definition";
import { releasedValue } from "./holdback";
import type { Cell, Cells } from "./types";

interface RecordDocument {
  id: string;
  ordinal: number;
  external_id: string | null;
  filename: string | null;
  status: string;
  cells: unknown;
  error: unknown;
}

/** Holdback applies here too: a parked cell shows its status and reason, never its value. */
const heldBack = (cell: Cell): Cell => ({ ...cell, value: releasedValue(cell) });

/** The pipe0 records object: every record carries every field of the definition. */
export function presentRecords(pipeline: PipelineRow, documents: RecordDocument[]) {
  const config = pipeline.config as unknown as CompiledPipeline;
  const records: Record<string, { id: string; external_id: string | null; filename: string | null; status: string; fields: Cells }> = {};
  for (const doc of documents) {
    const cells = doc.cells as Cells;
    const fields: Cells = {};
    for (const field of config.fields) fields[field.name] = heldBack(cells[field.name]);
    records[doc.id] = { id: doc.id, external_id: doc.external_id, filename: doc.filename, status: doc.status, fields };
  }
  return {
    id: pipeline.id,
    status: pipeline.status,
    order: documents.map((d) => d.id),
    field_definitions: config.fields.map((f) => ({
      name: f.name, type: f.type, required: f.required, description: f.description ?? null,
      // A `list` field's value is an array of values of its type.
      ...(f.aggregate ? { aggregate: f.aggregate } : {}), ...(f.aggregate === "list" ? { list: true } : {}),
    })),
    records,
    errors: documents
      .filter((d) => d.status === "error")
      .map((d) => ({ record_id: d.id, ...(d.error as Record<string, unknown>) })),
  };
}
