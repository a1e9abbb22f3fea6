/**
 * Right-to-left scripts in logical order (the Unicode bidirectional algorithm's reordering, for the
 * two levels a printed line has): a line whose strong characters are mostly Hebrew or Arabic reads
 * from its right edge, its pieces in right-to-left order, while a stretch of left-to-right pieces
 * inside it (numbers, Latin words) keeps its own order. pdf.js gives each piece's text in logical
 * order already; only the order of the pieces on the line is visual.
 */

const RTL_RANGE = String.raw`\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF`;
const RTL_ALL = new RegExp(`[${RTL_RANGE}]`, "gu");
const RTL_ANY = new RegExp(`[${RTL_RANGE}]`, "u");
const LETTER = /\p{L}/gu;

/** Whether a text's strong characters are mostly right-to-left. */
export function isRightToLeft(text: string): boolean {
  const rtl = text.match(RTL_ALL)?.length ?? 0;
  return rtl > 0 && rtl * 2 >= (text.match(LETTER)?.length ?? 0);
}

/** Visual order (left to right) to logical order on a right-to-left line: groups of left-to-right pieces keep their order. */
export function logicalOrder<T extends { text: string }>(visual: T[]): T[] {
  const groups: T[][] = [];
  let inLtrGroup = false;
  for (const piece of visual) {
    const ltr = !RTL_ANY.test(piece.text);
    if (ltr && inLtrGroup) groups[groups.length - 1].push(piece);
    else groups.push([piece]);
    inLtrGroup = ltr;
  }
  return groups.reverse().flat();
}
