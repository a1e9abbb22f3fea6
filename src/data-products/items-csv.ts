import { maxOrdinal } from "../db/queries/data-products";
import { readItemSlice } from "../db/queries/items";
import type { Db } from "../db/types";
import { badRequest } from "../errors";
import type { CompiledField, CompiledPipeline } from "../pipeline/definition";
import { csvColumns, type CsvOptions, type ExportShape } from "./csv";

/** Documents per export slice: a document can hold thousands of items, so slices are few documents wide. */
const DOCUMENTS_PER_SLICE = 20;

/** The table field `?table=<field>` names, or a 400 at `table`. */
export function tableField(pipeline: CompiledPipeline, name: string): CompiledField {
  const field = pipeline.fields.find((f) => f.name === name);
  if (!field?.columns) {
    const tables = pipeline.fields.filter((f) => f.columns).map((f) => f.name);
    throw badRequest(`'${name}' is not a table field of this data product`, [
      { path: "table", message: tables.length > 0 ? `must be one of: ${tables.join(", ")}` : "this data product has no table fields" },
    ]);
  }
  return field;
}

/**
 * A table field's items of a published generation as an export shape: one row per item
 * (`record_id, item_index, <columns…>`), held-back item cells empty; `exportCsv` streams it with the
 * same read-ahead as the main export, and Postgres writes its lines with the same rules.
 */
export function itemsShape(db: Db, pipelineId: string, generation: number, field: CompiledField, options: CsvOptions): ExportShape {
  const columns = csvColumns(field.columns!, options);
  return {
    header: ["record_id", "item_index", ...columns.map((c) => c.name)],
    ordinalsPerSlice: DOCUMENTS_PER_SLICE,
    lastOrdinal: () => maxOrdinal(db, pipelineId, generation),
    readSlice: (from, to) => readItemSlice(db, pipelineId, generation, field.name, columns, from, to),
  };
}
