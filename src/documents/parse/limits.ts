import { PermanentPhaseError } from "../model";

/** Bounds every parser checks while it works, before the work they bound (README §Limits). */
export interface ParseLimits {
  /** Words (PDF text items, then laid-out words) in the whole document. */
  maxWords: number;
  /** Output of one PDF stream's decompression, and of all streams of one document together. */
  maxStreamBytes: number;
  maxDecompressedBytes: number;
}

/** Elements open at once in HTML or XML, and arrays/objects in JSON; deeper is `nesting_too_deep`. */
export const MAX_NESTING = 512;

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxWords: 500_000,
  maxStreamBytes: 64 * 1024 * 1024,
  maxDecompressedBytes: 256 * 1024 * 1024,
};

export const tooDeep = (what: string) =>
  new PermanentPhaseError("nesting_too_deep", `the ${what} nests deeper than ${MAX_NESTING} levels`);

/** Refuses JSON nested past MAX_NESTING in one linear pass, before JSON.parse builds it. */
export function checkJsonDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING) throw tooDeep("JSON value");
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
