import { tooDeep, MAX_NESTING } from "./limits";

/**
 * Just enough of PDF's object syntax to read a stream's dictionary the way pdf.js will: names
 * with `#xx` escapes, nested dictionaries and arrays, strings skipped with their escapes, and
 * indirect references (`5 0 R`) resolved through the file's object headers.
 */
export type PdfValue = number | boolean | null | PdfName | PdfRef | PdfValue[] | Map<string, PdfValue> | PdfString;
export interface PdfName { name: string }
export interface PdfRef { ref: string }
interface PdfString { string: true }

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const isRegular = (c: number) => !Number.isNaN(c) && !WHITESPACE.has(c) && !DELIMITERS.has(c);

export const isName = (value: PdfValue | undefined): value is PdfName => typeof value === "object" && value !== null && "name" in value;
export const isRef = (value: PdfValue | undefined): value is PdfRef => typeof value === "object" && value !== null && "ref" in value;

/** A reader over the file as one byte-per-character string (positions are byte offsets). */
export class PdfText {
  /** Where each object's value starts (after `N G obj`); a later header for the same object wins, as an update does. */
  private readonly objects = new Map<string, number>();
  private readonly headers: number[] = [];
  private readonly read = new Map<number, { value: PdfValue; end: number } | undefined>();

  constructor(readonly text: string) {
    for (const match of text.matchAll(/(\d+)\s+(\d+)\s+obj(?![^\x00\t\n\f\r \x28\x29<>[\]{}/%])/g)) {
      this.objects.set(`${Number(match[1])} ${Number(match[2])}`, match.index + match[0].length);
      this.headers.push(match.index + match[0].length);
    }
  }

  /** Where the last object header before `at` ends, or -1 (binary search over the headers, in order). */
  headerBefore(at: number): number {
    let lo = 0;
    let hi = this.headers.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.headers[mid] <= at) (found = this.headers[mid]), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found;
  }

  /** The value an indirect reference points at (a few hops at most), or undefined if it cannot be found. */
  resolve(value: PdfValue | undefined, hops = 4): PdfValue | undefined {
    if (!isRef(value)) return value;
    const at = this.objects.get(value.ref);
    if (at === undefined || hops === 0) return undefined;
    const read = this.valueAt(at);
    return read && this.resolve(read.value, hops - 1);
  }

  /**
   * The value starting at `at` (after whitespace and comments) and where it ends, or undefined if it
   * is not one. Read once per position, however often asked (every `stream` word after an object,
   * every stream whose length refers to it), so scanning a file stays linear.
   */
  valueAt(at: number): { value: PdfValue; end: number } | undefined {
    if (this.read.has(at)) return this.read.get(at);
    const lexer = new Lexer(this.text, at);
    const value = lexer.value(0);
    const found = value === undefined ? undefined : { value, end: lexer.skipBlanks() };
    this.read.set(at, found);
    return found;
  }
}

class Lexer {
  constructor(private readonly text: string, private pos: number) {}

  private code(offset = 0) {
    return this.text.charCodeAt(this.pos + offset);
  }

  /** Skips whitespace and comments; returns the position reached. */
  skipBlanks(): number {
    for (;;) {
      const c = this.code();
      if (WHITESPACE.has(c)) this.pos++;
      else if (c === 0x25) while (this.pos < this.text.length && this.code() !== 0x0a && this.code() !== 0x0d) this.pos++;
      else return this.pos;
    }
  }

  value(depth: number): PdfValue | undefined {
    if (depth > MAX_NESTING) throw tooDeep("PDF object");
    this.skipBlanks();
    const c = this.code();
    if (c === 0x3c && this.code(1) === 0x3c) return this.dict(depth);
    if (c === 0x3c) return this.skipTo(0x3e);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x28) return this.literal();
    if (c === 0x2f) return this.name();
    const word = this.word();
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) return this.numberOrRef(Number(word), word);
    if (word === "true" || word === "false") return word === "true";
    return word === "null" ? null : undefined;
  }

  private word(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isRegular(this.code())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private numberOrRef(n: number, word: string): PdfValue {
    if (!/^\d+$/.test(word)) return n;
    const after = this.pos;
    this.skipBlanks();
    const generation = this.word();
    this.skipBlanks();
    if (/^\d+$/.test(generation) && this.word() === "R") return { ref: `${n} ${Number(generation)}` };
    this.pos = after;
    return n;
  }

  private name(): PdfName {
    this.pos++;
    return { name: this.word().replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) };
  }

  private dict(depth: number): Map<string, PdfValue> | undefined {
    this.pos += 2;
    const dict = new Map<string, PdfValue>();
    for (;;) {
      this.skipBlanks();
      if (this.code() === 0x3e && this.code(1) === 0x3e) return (this.pos += 2), dict;
      if (this.code() !== 0x2f) return undefined;
      const key = this.name().name;
      const value = this.value(depth + 1);
      if (value === undefined) return undefined;
      dict.set(key, value);
    }
  }

  private array(depth: number): PdfValue[] | undefined {
    this.pos++;
    const items: PdfValue[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.code() === 0x5d) return this.pos++, items;
      const value = this.value(depth + 1);
      if (value === undefined) return undefined;
      items.push(value);
    }
  }

  /** A `(...)` string: balanced parentheses, backslash escapes. */
  private literal(): PdfString | undefined {
    let open = 0;
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.code();
      if (c === 0x5c) this.pos++;
      else if (c === 0x28) open++;
      else if (c === 0x29 && --open === 0) return this.pos++, { string: true };
    }
    return undefined;
  }

  private skipTo(close: number): PdfString | undefined {
    const end = this.text.indexOf(String.fromCharCode(close), this.pos);
    if (end < 0) return undefined;
    this.pos = end + 1;
    return { string: true };
  }
}
