import { normalizeValue } from "../documents/normalize";
import { completed, heldByReview, reason, unresolved } from "./cells";
import type { CompiledField, CompiledPipeline } from "./definition";
import { evaluateExpression, parseExpression } from "./expressions";
import { itemsOf, itemValues } from "./items";
import type { Cell, Cells, FieldType } from "./types";
import { CELL_LIMITS, storedBytes } from "./cell-size";

/** The reason code of a value held because a value it is computed from is held. */
export const INPUT_HELD = "input_held";

/**
 * The other fields a field's value is computed from: an expression's references. `agree` and
 * lookup tables read only the field's own candidates, so they have no inputs among the cells.
 */
export function fieldInputs(field: CompiledField): string[] {
  if (!field.expression) return [];
  const parsed = parseExpression(field.expression);
  return parsed.ok ? parsed.references : [];
}

/** Parked by its own gate or decided by a reviewer: a hold that releasing an input does not lift. */
const ownHold = (cell: Cell) => heldByReview(cell) && cell.reason?.code !== INPUT_HELD;

/** Only released values feed derived fields: a value held for review must not leak through a formula. */
const releasedValues = (cells: Cells) =>
  Object.fromEntries(Object.entries(cells).filter(([, c]) => c.status === "completed")
    .map(([name, c]) => [name, c.type === "table" ? itemValues(c, ["completed"]) : c.value]));

/** Held for review: the cell, or (a table field) any of its item cells, whose value a formula would miss. */
const heldInput = (cell: Cell | undefined) =>
  cell?.status === "needs_review" || (cell?.type === "table" && itemsOf(cell).some((item) =>
    Object.values(item).some((c) => c.status === "needs_review")));

/** The stored size of the document's cells, kept as derived values replace earlier ones. */
interface SizeBudget {
  bytes: number;
}

async function evaluate(field: CompiledField, cell: Cell, cells: Cells, context: Record<string, unknown>, budget: SizeBudget): Promise<Cell> {
  let result: unknown;
  try {
    result = await evaluateExpression(field.expression!, releasedValues(cells), { context });
  } catch (error) {
    const message = (error as { message?: string }).message ?? String(error);
    return unresolved(cell, "failed", reason("expression_failed", "the expression failed", message));
  }
  if (result === undefined || result === null) {
    const why = reason("no_value", "the expression produced no value", "its inputs are missing or not completed");
    return unresolved(cell, "no_result", why);
  }
  const value = normalizeValue(field.type as FieldType, result, field.resolve);
  if (!value.ok) return unresolved(cell, "failed", reason("invalid_value", `not a valid ${field.type}`, value.message));
  const { maxValueBytes, maxCellsBytes } = CELL_LIMITS;
  const size = storedBytes(value.value, maxValueBytes);
  if (size > maxValueBytes) {
    return unresolved(cell, "failed", reason("value_too_large", "the value is too large to store", `a cell's value may hold at most ${maxValueBytes} bytes`));
  }
  const replaced = storedBytes(cell.value);
  if (budget.bytes - replaced + size > maxCellsBytes) {
    return unresolved(cell, "failed", reason("value_too_large", "the document's values are too large to store", `a document's cells may hold at most ${maxCellsBytes} bytes`));
  }
  budget.bytes += size - replaced;
  return completed(cell, value.value, "derived", { ...cell.meta, expression: field.expression, confidence: 1 });
}

function heldCell(cell: Cell, held: string[]): Cell {
  const names = held.join(", ");
  const [verb, pronoun] = held.length > 1 ? ["are", "them"] : ["is", "it"];
  const why = reason(INPUT_HELD, `held while ${names} ${verb} held for review`,
    `computed from ${names}; released and recomputed when a reviewer's decision releases ${pronoun}`);
  return { ...cell, value: null, status: "needs_review", resolved_by: null, reason: why };
}

/**
 * Holdback is transitive: computes each derived field, in definition order (so a chain sees its
 * links' new states), from released values only; a field with a held input is held too, naming it.
 * `onlyComputed` leaves fields resolution has not reached yet (still `pending`) alone: validation and
 * review decisions recompute what exists, resolution computes everything. `context` is the run's
 * context variables (`$context.<name>`).
 */
export async function deriveFields(
  pipeline: CompiledPipeline, cells: Cells, context: Record<string, unknown> = {}, onlyComputed = false,
): Promise<Cells> {
  const out: Cells = { ...cells };
  const budget = { bytes: storedBytes(cells) };
  for (const field of pipeline.fields) {
    const cell = out[field.name];
    if (!field.expression || !cell || ownHold(cell) || (onlyComputed && cell.status === "pending")) continue;
    const held = fieldInputs(field).filter((name) => heldInput(out[name]));
    out[field.name] = held.length > 0 ? heldCell(cell, held) : await evaluate(field, cell, out, context, budget);
  }
  return out;
}
