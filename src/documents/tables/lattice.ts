/**
 * Ruled tables: grids found in a page's ruling lines. Rules that touch form one grid; its cells
 * lie between consecutive rule positions, and a rule missing between two cells makes them one
 * spanning cell. Words belong to the cell their centre lies in. A ruled table needs no header hint.
 */
import type { Box } from "../model";
import type { Column } from "./columns";
import { joinWords, type PageLine, type PageWord } from "./lines";
import type { FoundRow } from "./rows";

export interface FoundTable {
  page: number;
  header: string[];
  rows: FoundRow[];
  bbox: Box;
  method: "lattice" | "stream";
  columns: Column[];
  /** The text lines of its page the table covers, `[from, to)` (PageLine.index), header included. */
  lines: [number, number];
}

/** Rule ends closer than this (points) meet; positions closer than this are one. */
const SNAP = 2;
/** A rule covering less than this share of a cell's side does not separate it. */
const COVER = 0.5;
const MAX_HEADER_ROWS = 3;

interface Rule { at: number; from: number; to: number }

/** Collinear rules that overlap or nearly touch, merged. */
function merged(rules: Rule[]): Rule[] {
  const out: Rule[] = [];
  for (const r of [...rules].sort((a, b) => a.at - b.at || a.from - b.from)) {
    const same = out.find((o) => Math.abs(o.at - r.at) <= SNAP && r.from <= o.to + SNAP && r.to >= o.from - SNAP);
    if (same) Object.assign(same, { from: Math.min(same.from, r.from), to: Math.max(same.to, r.to) });
    else out.push({ ...r });
  }
  return out;
}

const crosses = (h: Rule, v: Rule) => v.at >= h.from - SNAP && v.at <= h.to + SNAP && h.at >= v.from - SNAP && h.at <= v.to + SNAP;

/** Groups of horizontal and vertical rules that touch each other. */
function grids(flat: number[]): Array<{ h: Rule[]; v: Rule[] }> {
  const h: Rule[] = [];
  const v: Rule[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    if (flat[i + 1] === flat[i + 3]) h.push({ at: flat[i + 1], from: flat[i], to: flat[i + 2] });
    else v.push({ at: flat[i], from: flat[i + 1], to: flat[i + 3] });
  }
  const hs = merged(h);
  const vs = merged(v);
  const parent = [...hs, ...vs].map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  hs.forEach((a, i) => vs.forEach((b, j) => crosses(a, b) && (parent[find(i)] = find(hs.length + j))));
  const groups = new Map<number, { h: Rule[]; v: Rule[] }>();
  [...hs, ...vs].forEach((rule, i) => {
    const key = find(i);
    const group = groups.get(key) ?? { h: [], v: [] };
    (i < hs.length ? group.h : group.v).push(rule);
    groups.set(key, group);
  });
  return [...groups.values()];
}

const positions = (rules: Rule[]) => {
  const out: number[] = [];
  for (const at of rules.map((r) => r.at).sort((a, b) => a - b)) if (!out.length || at - out[out.length - 1] > SNAP) out.push(at);
  return out;
};
const covered = (rules: Rule[], at: number, from: number, to: number) =>
  rules.some((r) => Math.abs(r.at - at) <= SNAP && Math.min(r.to, to) - Math.max(r.from, from) >= COVER * (to - from));

/** The table of one grid: spanning cells joined, words placed, header rows read. */
function gridTable(page: number, grid: { h: Rule[]; v: Rule[] }, lines: PageLine[]): FoundTable | null {
  const xs = positions(grid.v);
  const ys = positions(grid.h);
  const columns = xs.length - 1;
  const rowCount = ys.length - 1;
  if (columns < 2 || rowCount < 2) return null;
  // Cell (r, c) → the top-left cell of its span.
  const owner = Array.from({ length: rowCount }, (_, r) => Array.from({ length: columns }, (_, c) => [r, c] as [number, number]));
  for (let r = 0; r < rowCount; r++) {
    for (let c = 0; c < columns; c++) {
      if (c > 0 && !covered(grid.v, xs[c], ys[r], ys[r + 1])) owner[r][c] = owner[r][c - 1];
      else if (r > 0 && !covered(grid.h, ys[r], xs[c], xs[c + 1])) owner[r][c] = owner[r - 1][c];
    }
  }
  const words = new Map<string, PageWord[]>();
  const inside: number[] = [];
  lines.forEach((line) => {
    for (const word of line.words) {
      const [x, y] = [(word.x0 + word.x1) / 2, (word.y0 + word.y1) / 2];
      const c = xs.findIndex((_, j) => j < columns && x >= xs[j] && x < xs[j + 1]);
      const r = ys.findIndex((_, j) => j < rowCount && y >= ys[j] && y < ys[j + 1]);
      if (c < 0 || r < 0) continue;
      const key = owner[r][c].join(",");
      words.set(key, [...(words.get(key) ?? []), word]);
      if (inside[inside.length - 1] !== line.index) inside.push(line.index);
    }
  });
  if (inside.length === 0) return null;
  const cellAt = (r: number, c: number) => {
    const [or, oc] = owner[r][c];
    const found = or === r && oc === c ? words.get(`${r},${c}`) : undefined;
    return found ? { text: joinWords(found), words: found } : undefined;
  };
  let headerRows = 1;
  while (headerRows < Math.min(MAX_HEADER_ROWS, rowCount - 1) && owner[headerRows - 1].some(([, oc], c) => oc !== c)) headerRows++;
  const header = Array.from({ length: columns }, (_, c) => {
    const owners = new Set<string>();
    for (let r = 0; r < headerRows; r++) owners.add(owner[r][c].join(","));
    return [...owners].map((key) => joinWords(words.get(key) ?? [])).filter(Boolean).join(" ");
  });
  const rows: FoundRow[] = [];
  for (let r = headerRows; r < rowCount; r++) {
    const cells = Array.from({ length: columns }, (_, c) => cellAt(r, c));
    if (cells.every((c) => !c)) continue;
    const section = owner[r].every(([or, oc]) => or === r && oc === 0);
    const text = cells.filter(Boolean).map((c) => c!.text).join("\t");
    rows.push({ page, cells, box: [xs[0], ys[r], xs[columns], ys[r + 1]], text, ...(section ? { section } : {}) });
  }
  return {
    page, header, rows, method: "lattice", bbox: [xs[0], ys[0], xs[columns], ys[rowCount]],
    columns: header.map((h, c) => ({ x0: xs[c], x1: xs[c + 1], header: h })), lines: [inside[0], inside[inside.length - 1] + 1],
  };
}

/** The ruled tables of a page, top to bottom, from its rules (flat segments) and its lines. */
export function latticeTables(page: number, rules: number[] | undefined, lines: PageLine[]): FoundTable[] {
  if (!rules || rules.length < 16) return [];
  return grids(rules).map((g) => gridTable(page, g, lines)).filter((t) => t !== null).sort((a, b) => a.bbox[1] - b.bbox[1]);
}
