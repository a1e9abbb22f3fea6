/**
 * Glyphs pdf.js drops from the text layer. When a font's ToUnicode maps a glyph that has a width to
 * an invisible format character (U+200B, U+00AD, …), pdf.js skips it in getTextContent — `11,062.6`
 * reads `11,0626`, a different number. The operator list still holds the glyph (its font character
 * and width), so the text item is given back what the page shows: the font's character when it is
 * printable (as pdftotext does), else a space, so a number is right or visibly broken, never another.
 */

import type { OperatorList } from "./pdf-rules";

/** What this module reads of a pdf.js text item. */
export interface GlyphItem {
  str?: string;
  width?: number;
}

interface Glyph {
  unicode?: string;
  fontChar?: string;
  width?: number;
}

// The pdf.js OPS code of showText, and its test for a glyph it leaves out of the text layer.
const SHOW_TEXT = 44;
const INVISIBLE = /^\p{Cf}$/u;
const PRINTABLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;

/** One shown string with dropped glyphs: what pdf.js made of it, what the page shows, and their width ratio. */
interface Repair {
  seen: string;
  shown: string;
  widthRatio: number;
}

/** The repair for one showText's glyphs, or null when pdf.js kept every glyph that has a width. */
function repairOf(glyphs: unknown[]): Repair | null {
  let seen = "";
  let shown = "";
  let seenWidth = 0;
  let shownWidth = 0;
  let dropped = false;
  for (const entry of glyphs) {
    if (!entry || typeof entry !== "object") continue; // a number is a kerning adjustment
    const { unicode = "", fontChar = "", width = 0 } = entry as Glyph;
    if (INVISIBLE.test(unicode)) {
      if (width <= 0) continue;
      dropped = true;
      shown += PRINTABLE.test(fontChar) ? fontChar : " ";
      shownWidth += width;
      continue;
    }
    seen += unicode;
    shown += unicode;
    seenWidth += width;
    shownWidth += width;
  }
  return dropped && seen.trim() ? { seen, shown, widthRatio: seenWidth > 0 ? shownWidth / seenWidth : 1 } : null;
}

/** The repairs of a page's operator list, in the order the strings are shown. */
export function droppedGlyphs({ fnArray, argsArray }: OperatorList): Repair[] {
  const repairs: Repair[] = [];
  for (let i = 0; i < fnArray.length; i++) {
    if (fnArray[i] !== SHOW_TEXT) continue;
    const glyphs = (argsArray[i] as unknown[] | null)?.[0];
    const repair = Array.isArray(glyphs) ? repairOf(glyphs) : null;
    if (repair) repairs.push(repair);
  }
  return repairs;
}

/**
 * Puts the dropped glyphs back into the text items (both in content-stream order): each repair goes
 * to the first item from the last repaired one that holds its string (one item may join several
 * shown strings), and that item's width grows by the glyphs' share of its repaired part.
 */
export function restoreGlyphs<T extends GlyphItem>(items: T[], repairs: Repair[]): T[] {
  let from = 0;
  for (const repair of repairs) {
    for (let i = from; i < items.length; i++) {
      const { str, width } = items[i];
      const at = str?.indexOf(repair.seen) ?? -1;
      if (!str || at < 0) continue;
      items[i].str = str.slice(0, at) + repair.shown + str.slice(at + repair.seen.length);
      if (width) items[i].width = width * (1 + (repair.widthRatio - 1) * (repair.seen.length / str.length));
      from = i;
      break;
    }
  }
  return items;
}
