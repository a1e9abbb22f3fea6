import { readItemSlice, type ItemPage } from "../db/queries/items";
import type { Db } from "../db/types";
import { badRequest } from "../errors";
import type { CompiledField, CompiledPipeline } from "../pipeline/definition";
import { csvLine, valuesLine } from "./csv";

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
 * A table field's items as CSV, one row per item (`record_id, item_index, <columns…>`), held-back
 * item cells empty, with the same quoting and formula guard as the main export. Read in slices of
 * whole documents, the next one in flight while one is written, so memory stays bounded.
 */
export function exportItemsCsv(db: Db, pipelineId: string, field: CompiledField): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const columns = field.columns!.map((c) => c.name);
  const read = (afterOrdinal: number) => {
    const slice = readItemSlice(db, pipelineId, field.name, columns, afterOrdinal);
    slice.catch(() => undefined); // surfaces when awaited, not as an unhandled rejection
    return slice;
  };
  let next: Promise<ItemPage<unknown[]>> | null = read(-1);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(["record_id", "item_index", ...columns])));
    },
    async pull(controller) {
      if (!next) return controller.close();
      const { rows, next: after } = await next;
      next = after ? read(after.ordinal) : null;
      let chunk = "";
      for (const [recordId, index, , ...values] of rows) chunk += valuesLine([recordId, index, ...values]);
      if (chunk) controller.enqueue(encoder.encode(chunk));
    },
  });
}
