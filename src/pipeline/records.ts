import type { PipelineRow } from "../db/queries/pipelines";
import { truthfulCell } from "./cell-status";
import { claimOf, type CompiledField, type CompiledPipeline } from "./definition";
import { releasedItems, releasedValue, withholds } from "./holdback";
import { itemsOf } from "./items";
import type { Cell, Cells } from "./types";

interface RecordDocument {
  id: string;
  ordinal: number;
  external_id: string | null;
  filename: string | null;
  status: string;
  cells: unknown;
  error: unknown;
  /** Child documents: see schema.sql. Absent on documents read without their lineage. */
  parent_document_id?: string | null;
  attachment?: unknown;
  part?: unknown;
  split_count?: number | null;
}

/** A value no phase provided and none will: seed 003 types such a cell `unknown`. */
const ENDED_WITHOUT_VALUE = new Set(["no_result", "failed"]);

/** Holdback applies here too: a parked cell shows its status and reason, never its value. */
function presentCell(cell: Cell, field: CompiledField) {
  const value = cell.type === "table" ? releasedItems(cell) : releasedValue(cell);
  const unknown = value === null && cell.value === null && ENDED_WITHOUT_VALUE.has(cell.status);
  return { ...cell, value, type: unknown ? "unknown" : cell.type, claimed_by: cell.claimed_by ?? claimOf(field) };
}

/**
 * A stored phase output as readers may see it: the same holdback as records (a parked or rejected
 * cell shows its status, never its value), per field of the definition the phase has a cell for.
 * An earlier phase stored a field's value before the gate that parked it, and a rerun puts parked
 * cells back in flight: so while the document's record withholds a field (held, rejected, or the
 * document in flight; for a table, any of its item cells) every phase output shows that field as
 * the record does.
 */
export function presentPhaseCells(config: CompiledPipeline, cells: Cells, document: Pick<RecordDocument, "status" | "error" | "cells">) {
  const current = document.cells as Cells;
  const present = config.fields.filter((field) => cells[field.name] !== undefined);
  return Object.fromEntries(present.map((field) => {
    const record = current[field.name] ? truthfulCell(current[field.name], document) : null;
    const held = record !== null && (withholds(record) || record.status === "queued" || record.status === "processing"
      || itemsOf(record).some((item) => Object.values(item).some(withholds)));
    return [field.name, presentCell(held ? record : cells[field.name], field)];
  }));
}

/** Display hints per field type (seed 003's `ui`): how a client should format the value. */
export function uiHints(field: CompiledField): Record<string, unknown> {
  switch (field.type) {
    case "date": return { format: "date", pattern: "YYYY-MM-DD" };
    case "currency": return { format: "currency", currency: field.resolve.currency ?? null, decimals: 2 };
    case "number": return { format: "number" };
    case "integer": return { format: "number", decimals: 0 };
    case "boolean": return { format: "boolean" };
    case "enum": return { format: "enum", options: field.resolve.values ?? [] };
    case "json": return { format: "json" };
    default: return { format: "text" };
  }
}

const definitionOf = (f: CompiledField) => ({
  name: f.name, type: f.type, required: f.required, description: f.description ?? null, claimed_by: claimOf(f), ui: uiHints(f),
  ...(f.columns ? { columns: f.columns.map((c) => ({ name: c.name, type: c.type, required: c.required })) } : {}),
  // A `list` field's value is an array of values of its type.
  ...(f.aggregate ? { aggregate: f.aggregate } : {}), ...(f.aggregate === "list" ? { list: true } : {}),
});

interface PresentedRecord {
  id: string;
  document_id: string;
  external_id: string | null;
  filename: string | null;
  status: string;
  fields: Record<string, ReturnType<typeof presentCell>>;
  parent_document_id?: string;
  attachment?: unknown;
  part?: unknown;
  children?: string[];
}

/** A child document's lineage as its record shows it. */
function lineage(doc: RecordDocument, children: string[] | undefined) {
  return {
    ...(doc.parent_document_id ? { parent_document_id: doc.parent_document_id } : {}),
    ...(doc.attachment ? { attachment: doc.attachment } : {}),
    ...(doc.part ? { part: doc.part } : {}),
    ...(children ? { children } : {}),
  };
}

/** A record's key: the caller's document id when given (unique within a run), else the document's UUID. */
export const recordKey = (doc: { id: string; external_id: string | null }) => doc.external_id ?? doc.id;

/**
 * The pipe0 records object: every record carries every field of the definition, keyed by the
 * record key; `field_definitions` is keyed by field name like `fields`, `field_list` keeps the order.
 */
export function presentRecords(pipeline: PipelineRow, documents: RecordDocument[]) {
  const config = pipeline.config as unknown as CompiledPipeline;
  const records: Record<string, PresentedRecord> = {};
  const childrenOf = new Map<string, RecordDocument[]>();
  for (const doc of documents) {
    if (doc.parent_document_id) childrenOf.set(doc.parent_document_id, [...(childrenOf.get(doc.parent_document_id) ?? []), doc]);
  }
  // A split document is no record: its parts are.
  const split = documents.filter((d) => d.split_count != null);
  documents = documents.filter((d) => d.split_count == null);
  for (const doc of documents) {
    const cells = doc.cells as Cells;
    const fields: PresentedRecord["fields"] = {};
    for (const field of config.fields) fields[field.name] = presentCell(truthfulCell(cells[field.name], doc), field);
    const key = recordKey(doc);
    const children = childrenOf.get(doc.id)?.map((c) => c.id);
    records[key] = { id: key, document_id: doc.id, external_id: doc.external_id, filename: doc.filename, status: doc.status, fields, ...lineage(doc, children) };
  }
  const definitions = config.fields.map(definitionOf);
  return {
    id: pipeline.id,
    status: pipeline.status,
    order: documents.map(recordKey),
    field_definitions: Object.fromEntries(definitions.map((d) => [d.name, d])),
    field_list: definitions,
    records,
    // Only runs that split show the key, so pipe0's records shape stays as it was for every other run.
    ...(split.length > 0 ? {
      split_documents: split.map((d) => ({
        document_id: d.id, external_id: d.external_id, filename: d.filename, status: d.status,
        children: (childrenOf.get(d.id) ?? []).map(recordKey),
      })),
    } : {}),
    errors: documents
      .filter((d) => d.status === "error")
      .map((d) => ({ record_id: recordKey(d), document_id: d.id, ...(d.error as Record<string, unknown>) })),
  };
}
