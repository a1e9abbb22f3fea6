import { Pattern } from "./pattern";

/**
 * Text prepared for an extractor (`preprocess`), with a map back to the original: prepared
 * character i came from original characters [starts[i], ends[i]). A replacement's output maps
 * to the whole match, so a span found in prepared text always names a real span of the original.
 */
export interface PreparedText {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
}

export type PreprocessStep =
  | "remove_whitespace"
  | "collapse_spaces"
  | "lowercase"
  | "remove_accents"
  | { replace: [string, string] };

/** Spaces and tabs (and the other horizontal spaces), never line breaks. */
const isHorizontalSpace = (code: number) =>
  code === 32 || code === 9 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
  code === 0x202f || code === 0x205f || code === 0x3000;

const identity = (text: string): PreparedText => {
  const starts = new Int32Array(text.length);
  const ends = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    starts[i] = i;
    ends[i] = i + 1;
  }
  return { text, starts, ends };
};

/** Collects prepared text piece by piece, each piece mapped to one original span (typed arrays: pages can be long). */
class Builder {
  private readonly parts: string[] = [];
  private starts: Int32Array;
  private ends: Int32Array;
  private length = 0;
  constructor(capacity: number) {
    this.starts = new Int32Array(Math.max(16, capacity));
    this.ends = new Int32Array(Math.max(16, capacity));
  }
  private reserve(more: number) {
    if (this.length + more <= this.starts.length) return;
    const size = Math.max(this.length + more, this.starts.length * 2);
    const grow = (from: Int32Array) => {
      const to = new Int32Array(size);
      to.set(from.subarray(0, this.length));
      return to;
    };
    this.starts = grow(this.starts);
    this.ends = grow(this.ends);
  }
  add(written: string, start: number, end: number) {
    this.reserve(written.length);
    this.parts.push(written);
    this.starts.fill(start, this.length, this.length + written.length);
    this.ends.fill(end, this.length, this.length + written.length);
    this.length += written.length;
  }
  /** Copies input characters [from, to) unchanged, each keeping its own span. */
  copy(input: PreparedText, from: number, to: number) {
    this.reserve(to - from);
    this.parts.push(input.text.slice(from, to));
    this.starts.set(input.starts.subarray(from, to), this.length);
    this.ends.set(input.ends.subarray(from, to), this.length);
    this.length += to - from;
  }
  done(): PreparedText {
    return { text: this.parts.join(""), starts: this.starts.subarray(0, this.length), ends: this.ends.subarray(0, this.length) };
  }
}

/**
 * Rewrites each code point independently (`null` keeps it as is), keeping the map. `skip` says
 * which code units cannot change, so plain ASCII text costs one comparison per character.
 */
function perCharacter(input: PreparedText, rewrite: (char: string, at: number) => string | null, skip: (code: number) => boolean): PreparedText {
  const { text } = input;
  const out = new Builder(input.text.length);
  for (let at = 0; at < text.length; ) {
    const code = text.charCodeAt(at);
    if (skip(code)) {
      let to = at + 1;
      while (to < text.length && skip(text.charCodeAt(to))) to++;
      out.copy(input, at, to);
      at = to;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(at)!);
    const written = rewrite(char, at) ?? char;
    out.add(written, input.starts[at], input.ends[at + char.length - 1]);
    at += char.length;
  }
  return out.done();
}

/** Whole-text rewrites that keep every length (lower-casing ASCII, most text) keep the map as is. */
function sameLengthOr(input: PreparedText, whole: string, fallback: () => PreparedText): PreparedText {
  return whole.length === input.text.length && !/[^\x00-\x7f]/.test(input.text) ? { ...input, text: whole } : fallback();
}

function replaced(input: PreparedText, source: string, replacement: string): PreparedText {
  const pattern = Pattern.compile(source);
  const out = new Builder(input.text.length);
  let last = 0;
  for (const match of pattern.matchAll(input.text)) {
    out.copy(input, last, match.start);
    const start = match.start < input.text.length ? input.starts[match.start] : (input.ends.at(-1) ?? 0);
    out.add(pattern.expandReplacement(replacement, match), start, match.end > match.start ? input.ends[match.end - 1] : start);
    last = match.end;
  }
  out.copy(input, last, input.text.length);
  return out.done();
}

function applyStep(input: PreparedText, step: PreprocessStep): PreparedText {
  if (typeof step === "object") return replaced(input, step.replace[0], step.replace[1]);
  const ascii = (code: number) => code < 128;
  switch (step) {
    case "lowercase":
      return sameLengthOr(input, input.text.toLowerCase(), () => perCharacter(input, (c) => c.toLowerCase(), (code) => code < 65));
    case "remove_accents":
      return perCharacter(input, (c) => c.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC"), ascii);
    case "remove_whitespace":
      return perCharacter(input, () => "", (code) => !isHorizontalSpace(code));
    case "collapse_spaces":
      // A run of spaces keeps its last one, as a plain space.
      return perCharacter(input, (_, at) => (isHorizontalSpace(input.text.charCodeAt(at + 1)) ? "" : " "), (code) => !isHorizontalSpace(code));
  }
}

/** Applies the steps in order; with none, the text is returned as is (and maps to itself). */
export function prepareText(text: string, steps: readonly PreprocessStep[]): PreparedText | null {
  if (steps.length === 0) return null;
  return steps.reduce(applyStep, identity(text));
}

/** The original span of a span of prepared text. */
export function originalSpan(prepared: PreparedText | null, start: number, end: number): [number, number] {
  if (!prepared) return [start, end];
  if (end <= start) {
    const at = start < prepared.starts.length ? prepared.starts[start] : (prepared.ends.at(-1) ?? 0);
    return [at, at];
  }
  return [prepared.starts[start], prepared.ends[end - 1]];
}
