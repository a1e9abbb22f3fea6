import { cellText } from "../data-products/csv";
import type { Cell } from "../pipeline/types";

const AUTO_NAME = /^run (\d{4}-\d\d-\d\dT[\d:.]+Z)( \(data product\))?$/;

/** A run without a name gets a timestamp for a name; people read a sentence instead. */
export function displayName(name: string): string {
  const auto = AUTO_NAME.exec(name);
  if (!auto) return name;
  const at = new Date(auto[1]);
  return `Untitled table (run of ${at.toLocaleDateString("en-GB", { dateStyle: "medium", timeZone: "UTC" })})`;
}

/** Why a cell shows no value, in a reader's words; nothing when the value is released. */
export function heldLabel(cell: Cell | undefined): { text: string; title: string; rejected?: boolean } | undefined {
  if (!cell) return undefined;
  if (cell.status === "needs_review") return { text: "in review", title: "held back until a reviewer decides" };
  if (cell.status === "failed" && cell.reason?.code === "rejected_by_review") {
    return { text: "rejected", title: "a reviewer rejected this value", rejected: true };
  }
  return undefined;
}

/** One table cell of a shared row: the released value, or a marker saying why it is withheld. */
export function CellView({ cell }: { cell: Cell | undefined }) {
  // Numbers line up on the right, a held one's marker too; a table field shows its item count.
  const numeric = typeof cell?.value === "number" || ["number", "integer", "table"].includes(cell?.type ?? "") ? "num" : undefined;
  const held = heldLabel(cell);
  if (held) return <td class={numeric}><span class={held.rejected ? "held rejected" : "held"} title={held.title}>{held.text}</span></td>;
  return <td class={numeric}>{cellText(cell)}</td>;
}
