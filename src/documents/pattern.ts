import { RE2JS } from "re2js";

/**
 * Every user-supplied pattern runs here, on RE2 (linear time in the input, whatever the pattern),
 * never on the backtracking `RegExp`: a catastrophic pattern such as `(a+)+$` then costs one pass
 * instead of freezing the process. Syntax is RE2's: no backreferences, no lookaround.
 */

export const MAX_PATTERN_LENGTH = 500;

/** A pattern RE2 cannot take (or too long): `reason` is what a 400 says at the pattern's path. */
export class PatternError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface PatternMatch {
  start: number;
  end: number;
  /** Group text by number (0 = whole match); undefined where the group did not take part. */
  group(which: number | string): string | undefined;
  /** UTF-16 span of a group, or undefined where it did not take part. */
  span(which: number | string): [number, number] | undefined;
}

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

export class Pattern {
  private constructor(private readonly re: RE2JS) {}

  /** `flags` takes JavaScript's letters; `i`, `m` and `s` mean what they mean there, others are ignored. */
  static compile(source: string, flags = ""): Pattern {
    if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
    let bits = 0;
    for (const letter of flags) bits |= FLAG_BITS[letter] ?? 0;
    try {
      return new Pattern(RE2JS.compile(source, bits));
    } catch (error) {
      throw new PatternError(`not a valid RE2 pattern: ${(error as Error).message.replace(/^error parsing regexp: /, "")}`);
    }
  }

  /** Compiles, or returns the reason it cannot be compiled. */
  static check(source: string, flags = ""): string | undefined {
    try {
      Pattern.compile(source, flags);
      return undefined;
    } catch (error) {
      return (error as PatternError).reason;
    }
  }

  get groupCount(): number {
    return this.re.groupCount();
  }

  get groupNames(): string[] {
    return Object.keys(this.re.namedGroups());
  }

  test(text: string): boolean {
    return this.re.test(text);
  }

  /** The first match at or after `from`, or undefined. */
  find(text: string, from = 0): PatternMatch | undefined {
    const matcher = this.re.matcher(text);
    return matcher.find(from) ? snapshot(matcher, text) : undefined;
  }

  /** Every non-overlapping match in order, at most `limit`; an empty match advances one character. */
  *matchAll(text: string, limit = Number.POSITIVE_INFINITY): Generator<PatternMatch> {
    const matcher = this.re.matcher(text);
    let from = 0;
    for (let count = 0; count < limit && from <= text.length && matcher.find(from); count++) {
      const match = snapshot(matcher, text);
      yield match;
      from = match.end > match.start ? match.end : match.end + 1;
    }
  }

  /** The text a JavaScript-style replacement (`$1`, `$<name>`, `$&`, `$$`) makes of one match. */
  expandReplacement(replacement: string, match: PatternMatch): string {
    return expand(replacement, match, this.groupCount);
  }

  /** JavaScript-style replacement: `$1`, `$<name>`, `$&` and `$$`. */
  replaceAll(text: string, replacement: string): string {
    let out = "";
    let last = 0;
    for (const match of this.matchAll(text)) {
      out += text.slice(last, match.start) + expand(replacement, match, this.groupCount);
      last = match.end;
    }
    return out + text.slice(last);
  }
}

type Matcher = ReturnType<RE2JS["matcher"]>;

function snapshot(matcher: Matcher, text: string): PatternMatch {
  const spans = new Map<number | string, [number, number] | undefined>();
  const span = (which: number | string) => {
    if (!spans.has(which)) {
      const start = matcher.start(which);
      spans.set(which, start < 0 ? undefined : [start, matcher.end(which)]);
    }
    return spans.get(which);
  };
  const whole = span(0)!;
  for (let group = 1; group <= matcher.groupCount(); group++) span(group);
  for (const name of Object.keys(matcher.namedGroups)) span(name);
  return {
    start: whole[0],
    end: whole[1],
    span: (which) => spans.get(which),
    group: (which) => {
      const at = spans.get(which);
      return at ? text.slice(at[0], at[1]) : undefined;
    },
  };
}

function expand(replacement: string, match: PatternMatch, groupCount: number): string {
  return replacement.replace(/\$(\$|&|<([A-Za-z_][A-Za-z0-9_]*)>|\d{1,2})/g, (token, what: string, name?: string) => {
    if (what === "$") return "$";
    if (what === "&") return match.group(0) ?? "";
    if (name !== undefined) return match.group(name) ?? "";
    // As in JavaScript: a number past the last group stays literal text.
    return Number(what) <= groupCount ? (match.group(Number(what)) ?? "") : token;
  });
}
