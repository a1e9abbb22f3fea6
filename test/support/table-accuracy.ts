/** Cell accuracy of line items against a drawn table's truth: the measure the tests and the bench share. */
export interface Score {
  cells: number;
  right: number;
  rows: number;
  invented: number;
}

type Values = Record<string, unknown>;

/** Items compared in order with the truth: every expected cell right or wrong (a missing item's cells wrong), extra items invented. */
export function score(found: Values[], truth: Array<Record<string, string>>): Score {
  const columns = [...new Set(truth.flatMap((row) => Object.keys(row)))];
  let right = 0;
  let cells = 0;
  truth.forEach((row, i) => {
    for (const column of columns) {
      cells++;
      if ((found[i]?.[column] ?? "") === (row[column] ?? "")) right++;
    }
  });
  return { cells, right, rows: truth.length, invented: Math.max(0, found.length - truth.length) };
}

export const add = (a: Score, b: Score): Score => ({ cells: a.cells + b.cells, right: a.right + b.right, rows: a.rows + b.rows, invented: a.invented + b.invented });
export const ZERO: Score = { cells: 0, right: 0, rows: 0, invented: 0 };
