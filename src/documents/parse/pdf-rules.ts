/**
 * The ruling lines of a page (table grids), read from pdf.js's operator list: stroked straight
 * segments and thin filled rectangles that are horizontal or vertical on the displayed page.
 * Kept apart from the text reading so either can change alone.
 */

// pdf.js 5 builds the operator list's font data with ArrayBuffer#transferToFixedLength, which Node
// only has from 22: without it the list stops at the first text. A copy gives the same bytes.
if (!("transferToFixedLength" in ArrayBuffer.prototype)) {
  Object.defineProperty(ArrayBuffer.prototype, "transferToFixedLength", {
    configurable: true,
    writable: true,
    value(this: ArrayBuffer, length = this.byteLength) {
      const copy = new ArrayBuffer(length);
      new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
      return copy;
    },
  });
}

/** A pdf.js page's operator list (read once per page: the text reading uses it too). */
export interface OperatorList {
  fnArray: number[];
  argsArray: unknown[];
}

// pdf.js OPS codes (stable across versions) and the path codes of its v5 constructPath.
const OP = { save: 10, restore: 11, transform: 12, constructPath: 91 } as const;
const STROKES = new Set([20, 21, 24, 25, 26, 27]);
const FILLS = new Set([22, 23, 24, 25, 26, 27]);
const PATH = { moveTo: 0, lineTo: 1, curveTo: 2, quadraticCurveTo: 3, closePath: 4 } as const;
/** A filled rectangle thinner than this (points) is a rule; a thicker one is shading, not a line. */
const THIN = 2.5;
/** Off-axis tolerance (points) for a segment to count as horizontal or vertical. */
const SKEW = 0.8;
/** Shorter segments are glyph parts or ticks, not table rules. */
const SHORTEST = 4;
/** A page with more segments than this is a drawing, not a table: no rules kept. */
const MOST = 20_000;

type Matrix = number[];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1], m[0] * n[2] + m[2] * n[3], m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5],
];
const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** Adds `a`–`b` when it is axis-aligned and long enough, as `x0, y0, x1, y1` with x0 ≤ x1 and y0 ≤ y1. */
function addSegment(out: number[], a: [number, number], b: [number, number]) {
  const dx = Math.abs(a[0] - b[0]);
  const dy = Math.abs(a[1] - b[1]);
  if (Math.max(dx, dy) < SHORTEST || Math.min(dx, dy) > SKEW) return;
  if (dy <= SKEW) {
    const y = (a[1] + b[1]) / 2;
    out.push(Math.min(a[0], b[0]), y, Math.max(a[0], b[0]), y);
  } else {
    const x = (a[0] + b[0]) / 2;
    out.push(x, Math.min(a[1], b[1]), x, Math.max(a[1], b[1]));
  }
}

/** The points of each subpath of a v5 path (curves end a subpath's straight run: they are not rules). */
function subpaths(data: ArrayLike<number>, m: Matrix): Array<Array<[number, number]>> {
  const paths: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  for (let i = 0; i < data.length;) {
    const op = data[i];
    if (op === PATH.moveTo || op === PATH.lineTo) {
      if (op === PATH.moveTo && current.length) paths.push(current), (current = []);
      current.push(apply(m, data[i + 1], data[i + 2]));
      i += 3;
    } else if (op === PATH.closePath) {
      if (current.length > 1) current.push(current[0]);
      paths.push(current), (current = []);
      i += 1;
    } else {
      if (current.length) paths.push(current), (current = []);
      i += op === PATH.curveTo ? 7 : op === PATH.quadraticCurveTo ? 5 : data.length;
    }
  }
  if (current.length) paths.push(current);
  return paths;
}

/** A filled subpath that is a thin axis-aligned rectangle, as the line along its middle. */
function thinRectangle(points: Array<[number, number]>, out: number[]) {
  if (points.length < 4 || points.length > 6) return;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 <= THIN && x1 - x0 > y1 - y0) addSegment(out, [x0, (y0 + y1) / 2], [x1, (y0 + y1) / 2]);
  else if (x1 - x0 <= THIN && y1 - y0 > x1 - x0) addSegment(out, [(x0 + x1) / 2, y0], [(x0 + x1) / 2, y1]);
}

/**
 * The page's ruling segments, flat `x0, y0, x1, y1` per segment in points on the displayed page
 * (origin top-left): `view` is the viewport transform that maps PDF space there.
 */
export function pageRules({ fnArray, argsArray }: OperatorList, view: Matrix): number[] {
  const out: number[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = view;
  for (let i = 0; i < fnArray.length && out.length < MOST * 4; i++) {
    const fn = fnArray[i];
    if (fn === OP.save) stack.push(ctm);
    else if (fn === OP.restore) ctm = stack.pop() ?? view;
    else if (fn === OP.transform) ctm = multiply(ctm, argsArray[i] as Matrix);
    else if (fn === OP.constructPath) {
      const [paint, [data]] = argsArray[i] as [number, [ArrayLike<number> | null]];
      if (!data || !(STROKES.has(paint) || FILLS.has(paint))) continue;
      for (const points of subpaths(data, ctm)) {
        if (STROKES.has(paint)) for (let p = 1; p < points.length; p++) addSegment(out, points[p - 1], points[p]);
        else thinRectangle(points, out);
      }
    }
  }
  return out.length >= MOST * 4 ? [] : out.map((n) => Math.round(n * 10) / 10);
}
