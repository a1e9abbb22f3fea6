/** What every normaliser returns: a value of the field's type, or why the input is not one. */
/** A failure may carry a `code` the pipeline acts on (`ambiguous_date`: held for review); a value may carry a `note` saying how it was read. */
export type Normalized<T> = { ok: true; value: T; note?: string } | { ok: false; message: string; code?: string };

export const accept = <T>(value: T): Normalized<T> => ({ ok: true, value });
export const reject = (message: string): Normalized<never> => ({ ok: false, message });

/** Short, quoted form of a raw value for messages. */
export const shown = (raw: unknown): string => {
  const text = typeof raw === "string" ? raw : JSON.stringify(raw) ?? String(raw);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
};
