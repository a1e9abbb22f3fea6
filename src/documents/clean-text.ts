import type { ParsedDocument } from "./model";

const REPLACEMENT = "\uFFFD";
const BAD = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(text: string): [string, number] {
  let count = 0;
  const cleaned = text.replace(BAD, () => {
    count++;
    return REPLACEMENT;
  });
  return [cleaned, count];
}

/**
 * Postgres cannot store NUL in text or JSON, and a lone surrogate is no UTF-8: a document whose
 * content holds them (a binary-ish upload, a PDF's odd text) gets U+FFFD in their place instead
 * of failing its run. Mutates the fresh parse in place, iteratively (a deep JSON input is fine),
 * and returns how many characters it replaced.
 */
export function replaceUnstorableText(parsed: ParsedDocument): number {
  let replaced = 0;
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    for (const key of Object.keys(node)) {
      const value = (node as Record<string, unknown>)[key];
      let target = key;
      if (!Array.isArray(node)) {
        const [cleanKey, count] = clean(key);
        if (count > 0) {
          replaced += count;
          delete (node as Record<string, unknown>)[key];
          target = cleanKey;
          (node as Record<string, unknown>)[target] = value;
        }
      }
      if (typeof value === "string") {
        const [cleaned, count] = clean(value);
        if (count > 0) (node as Record<string, unknown>)[target] = cleaned;
        replaced += count;
      } else if (typeof value === "object" && value !== null) stack.push(value);
    }
  }
  return replaced;
}
