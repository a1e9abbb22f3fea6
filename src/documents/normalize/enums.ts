import { accept, reject, shown, type Normalized } from "./result";

export interface EnumOptions {
  /** Canonical values; when given, the result must be one of them. */
  values?: string[];
  /** synonym → canonical value, matched case-insensitively. */
  synonyms?: Record<string, string>;
}

/** Case and spacing do not distinguish enum values or lookup keys: "Net  30" is "net 30". */
export const matchKey = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();

/** Maps a text to its canonical value: a synonym's target, or the matching canonical value. */
export function canonicalValue(text: string, options: EnumOptions): Normalized<string> {
  const wanted = matchKey(text);
  const synonym = Object.entries(options.synonyms ?? {}).find(([from]) => matchKey(from) === wanted);
  const candidate = synonym ? synonym[1] : text.trim();
  if (!options.values) return accept(candidate);
  const match = options.values.find((value) => matchKey(value) === matchKey(candidate));
  return match !== undefined ? accept(match) : reject(`${shown(text)} is not one of ${options.values.join(", ")}`);
}
