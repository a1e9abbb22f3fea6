import type { Item } from "./blocks";

/** Indent a nested item takes under a parent whose marker is not in view (a chunk starting inside a nested list). */
const DEFAULT_MARKER_WIDTH = 2;

/**
 * A list's items as Markdown, one string each: `- ` before a bulleted item, `N. ` before a numbered
 * one; a nested item and an item's further lines are indented under its parent's text, as
 * CommonMark reads nesting (the width of each enclosing marker).
 */
export function markdownItems(items: Array<Omit<Item, "start" | "end">>): string[] {
  const widths: number[] = [];
  return items.map((item) => {
    const marker = item.ordered ? `${item.number}. ` : "- ";
    let indent = 0;
    for (let depth = 0; depth < item.depth; depth++) indent += widths[depth] ?? DEFAULT_MARKER_WIDTH;
    widths.length = item.depth;
    widths[item.depth] = marker.length;
    const lines = item.text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
    const under = " ".repeat(indent + marker.length);
    return lines.map((line, i) => (i === 0 ? " ".repeat(indent) + marker : under) + line).join("\n");
  });
}

export const markdownList = (items: Array<Omit<Item, "start" | "end">>) => markdownItems(items).join("\n");
