import { accept, reject, shown, type Normalized } from "./result";

export const DEFAULT_TRUE_VALUES = ["true", "yes", "y", "1", "on"];
export const DEFAULT_FALSE_VALUES = ["false", "no", "n", "0", "off"];

export interface BooleanOptions {
  /** Replace the defaults when given, so a template can decide that "1" means nothing. */
  true_values?: string[];
  false_values?: string[];
}

const key = (text: string) => text.trim().toLowerCase();

export function parseBoolean(raw: unknown, options: BooleanOptions = {}): Normalized<boolean> {
  if (typeof raw === "boolean") return accept(raw);
  if (typeof raw !== "string" && typeof raw !== "number") return reject(`${shown(raw)} is not a yes/no value`);
  const text = key(String(raw));
  if ((options.true_values ?? DEFAULT_TRUE_VALUES).some((v) => key(v) === text)) return accept(true);
  if ((options.false_values ?? DEFAULT_FALSE_VALUES).some((v) => key(v) === text)) return accept(false);
  return reject(`${shown(raw)} is not a yes/no value`);
}
