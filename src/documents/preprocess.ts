import { Pattern } from "./pattern";

/**
 * Text prepared for an extractor (`preprocess`), with a map back to the original: prepared
 * character i came from original characters [starts[i], ends[i]). A replacement's output maps
 * to the whole match, so a span found in prepared text always names a real span of the original.
 */
export interface PreparedText {
  text: string;
  starts: number[];
  ends: number[];
}

export type PreprocessStep =
  | "remove_whitespace"
  | "collapse_spaces"
  | "lowercase"
  | "remove_accents"
  | { replace: [string, string] };

/** Spaces and tabs (and the other horizontal spaces), never line breaks. */
const HORIZONTAL_SPACE = /[^\S\n\r\f\v]/;

const identity = (text: string): PreparedText => ({
  text,
  starts: Array.from({ length: text.length }, (_, i) => i),
  ends: Array.from({ length: text.length }, (_, i) => i + 1),
});

/** Rewrites each code point independently (or drops it when it becomes ""), keeping the map. */
function perCharacter(input: PreparedText, rewrite: (char: string, next: string | undefined) => string): PreparedText {
  const out: PreparedText = { text: "", starts: [], ends: [] };
  const chars = Array.from(input.text);
  let at = 0;
  chars.forEach((char, k) => {
    const written = rewrite(char, chars[k + 1]);
    out.text += written;
    const start = input.starts[at];
    const end = input.ends[at + char.length - 1];
    for (let i = 0; i < written.length; i++) {
      out.starts.push(start);
      out.ends.push(end);
    }
    at += char.length;
  });
  return out;
}

function replaced(input: PreparedText, source: string, replacement: string): PreparedText {
  const pattern = Pattern.compile(source);
  const out: PreparedText = { text: "", starts: [], ends: [] };
  const keep = (from: number, to: number) => {
    out.text += input.text.slice(from, to);
    out.starts.push(...input.starts.slice(from, to));
    out.ends.push(...input.ends.slice(from, to));
  };
  let last = 0;
  for (const match of pattern.matchAll(input.text)) {
    keep(last, match.start);
    const written = pattern.expandReplacement(replacement, match);
    const start = match.start < input.text.length ? input.starts[match.start] : (input.ends.at(-1) ?? 0);
    const end = match.end > match.start ? input.ends[match.end - 1] : start;
    out.text += written;
    for (let i = 0; i < written.length; i++) {
      out.starts.push(start);
      out.ends.push(end);
    }
    last = match.end;
  }
  keep(last, input.text.length);
  return out;
}

function applyStep(input: PreparedText, step: PreprocessStep): PreparedText {
  if (typeof step === "object") return replaced(input, step.replace[0], step.replace[1]);
  switch (step) {
    case "lowercase": return perCharacter(input, (c) => c.toLowerCase());
    case "remove_accents": return perCharacter(input, (c) => c.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC"));
    case "remove_whitespace": return perCharacter(input, (c) => (HORIZONTAL_SPACE.test(c) ? "" : c));
    case "collapse_spaces":
      // A run of spaces keeps its last one, as a plain space.
      return perCharacter(input, (c, next) => {
        if (!HORIZONTAL_SPACE.test(c)) return c;
        return next !== undefined && HORIZONTAL_SPACE.test(next) ? "" : " ";
      });
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
