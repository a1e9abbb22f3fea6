import { PermanentPhaseError, type Cells } from "./types";

/**
 * What one document's cells may hold (README §Limits): a cell's value at most 1 MiB and all its
 * cells together at most 10 MiB, both as stored (UTF-8 JSON). Checked as values are computed, so
 * an expression that amplifies a short input fails its cell instead of storing megabytes.
 */
export const CELL_LIMITS = { maxValueBytes: 1024 * 1024, maxCellsBytes: 10 * 1024 * 1024 };

const encoder = new TextEncoder();

/** Bytes of a value as stored; stops early (returning more than `cap`) past `cap` characters. */
export function storedBytes(value: unknown, cap = Number.POSITIVE_INFINITY): number {
  const json = JSON.stringify(value ?? null);
  return json.length > cap ? json.length : encoder.encode(json).length;
}

/** Ends the document (`cells_too_large`) when its cells pass the document limit: the backstop before a commit. */
export function checkCellsSize(cells: Cells): void {
  const size = storedBytes(cells, CELL_LIMITS.maxCellsBytes);
  if (size > CELL_LIMITS.maxCellsBytes) {
    throw new PermanentPhaseError("cells_too_large", `the document's cells hold more than ${CELL_LIMITS.maxCellsBytes} bytes`);
  }
}
