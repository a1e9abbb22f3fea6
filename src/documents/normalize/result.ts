/** What every normaliser returns: a value of the field's type, or why the input is not one. */
export type Normalized<T> = { ok: true; value: T } | { ok: false; message: string };

export const accept = <T>(value: T): Normalized<T> => ({ ok: true, value });
export const reject = (message: string): Normalized<never> => ({ ok: false, message });

/** Short, quoted form of a raw value for messages. */
export const shown = (raw: unknown): string => {
  const text = typeof raw === "string" ? raw : JSON.stringify(raw) ?? String(raw);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
};
