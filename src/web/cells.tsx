import { CURRENCY_MINOR_UNITS } from "../documents/normalize/currency-codes";
import { publicCell } from "../pipeline/holdback";
import type { Cell } from "../pipeline/types";

const AUTO_NAME = /^run (\d{4}-\d\d-\d\dT[\d:.]+Z)( \(data product\))?$/;

/** A run without a name gets a timestamp for a name; people read a sentence instead. Bidi-isolated for titles and headings. */
export function displayName(name: string): string {
  const auto = AUTO_NAME.exec(name);
  if (!auto) return isolateBidi(name);
  const at = new Date(auto[1]);
  return `Untitled table (run of ${at.toLocaleDateString("en-GB", { dateStyle: "medium", timeZone: "UTC" })})`;
}

/** `invoice_number` → "Invoice number": a column heading for a field that has no `label`. */
export const humanise = (name: string) => {
  const words = name.replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").trim().toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : name;
};

const minorUnits = (code: string) => (CURRENCY_MINOR_UNITS[0].includes(code) ? 0 : CURRENCY_MINOR_UNITS[3].includes(code) ? 3 : 2);

/** A number as the CSV writes it: at most 12 significant digits (no float noise), trailing zeros trimmed. */
const numberText = (n: number) => (Number.isInteger(n) || String(n).length <= 12 ? String(n) : String(Number(n.toPrecision(12))));

/**
 * A value as people read it, the same text the CSV has: money as "120.50 EUR" (its currency's
 * decimals), numbers without float noise, text as it is, anything else compact JSON. Empty is "".
 */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return numberText(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return value;
  const money = value as { amount?: unknown; currency?: unknown };
  if (typeof money.amount === "number" && typeof money.currency === "string") {
    return `${money.amount.toFixed(minorUnits(money.currency))} ${money.currency}`;
  }
  return JSON.stringify(value);
}

const cellText = (cell: Cell | undefined) => valueText(cell ? publicCell(cell).value : null);

/** Why a cell shows no value, in a reader's words; nothing when the value is released. */
export function heldLabel(cell: Cell | undefined): { text: string; title: string; rejected?: boolean } | undefined {
  if (!cell) return undefined;
  if (cell.status === "needs_review") return { text: "in review", title: "held back until a reviewer decides" };
  if (cell.status === "failed" && cell.reason?.code === "rejected_by_review") {
    return { text: "rejected", title: "a reviewer rejected this value", rejected: true };
  }
  return undefined;
}

/** Characters of a value shown in a table cell; the rest is behind `full` (a page stays a few hundred KB). */
export const MAX_CELL_CHARS = 500;

/**
 * Bidi controls in a user-given name (U+202E reverses what follows) cannot leak into a title or
 * heading: they are dropped and the name is isolated (FSI … PDI) from the text around it.
 */
export function isolateBidi(text: string): string {
  return `\u2068${text.replace(/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g, "")}\u2069`;
}

/** One table cell of a shared row: the released value (long ones cut, with a link to all of it), or a marker saying why it is withheld. */
export function CellView({ cell, full }: { cell: Cell | undefined; full?: string }) {
  // Numbers line up on the right, a held one's marker too; a table field shows its item count.
  const numeric = typeof cell?.value === "number" || ["number", "integer", "currency", "table"].includes(cell?.type ?? "") ? "num" : undefined;
  const held = heldLabel(cell);
  if (held) return <td class={numeric}><span class={held.rejected ? "held rejected" : "held"} title={held.title}>{held.text}</span></td>;
  const text = cellText(cell);
  if (text.length <= MAX_CELL_CHARS) return <td class={numeric}>{text}</td>;
  return (
    <td class={numeric}>
      {text.slice(0, MAX_CELL_CHARS)}… {full ? <a href={full}>all {text.length} characters (CSV)</a> : `(${text.length} characters)`}
    </td>
  );
}
