import type { CompiledPipeline } from "../pipeline/definition";
import { releasedValue } from "../pipeline/holdback";
import { recordKey } from "../pipeline/records";
import type { Cells } from "../pipeline/types";

export interface EvaluatedDocument {
  id: string;
  external_id: string | null;
  cells: unknown;
  expected: unknown;
}

export interface Difference {
  field: string;
  expected: unknown;
  actual: unknown;
  status: string;
  /** A wrong value released past every gate: nobody was asked to look at it. */
  silent: boolean;
}

export interface FieldScore {
  compared: number;
  correct: number;
  accuracy: number | null;
  silent_errors: number;
  /** Compared values released from a model's grounded answer, and from the deterministic extractors. */
  from_model: number;
  from_rules: number;
  /** from_model / (from_model + from_rules), null when neither released a value. */
  model_share: number | null;
  /** Silent errors among the model's values: what grounding exists to keep at 0. */
  model_silent_errors: number;
}

export interface Score {
  documents_evaluated: number;
  accuracy: number | null;
  silent_errors: number;
  model_silent_errors: number;
  fields: Record<string, FieldScore>;
  documents: Array<{ record_id: string; document_id: string; compared: number; correct: number; differences: Difference[] }>;
}

const NUMBER_TOLERANCE = 1e-9;

/** Whether a released value is the expected one: numbers within rounding, text ignoring outer spaces, currency by amount and code. */
export function sameValue(expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (typeof expected === "number" && typeof actual === "number") return Math.abs(expected - actual) <= NUMBER_TOLERANCE;
  if (typeof expected === "number" && typeof actual === "object" && actual !== null && "amount" in actual) {
    return sameValue(expected, (actual as { amount: unknown }).amount);
  }
  if (typeof expected === "string" && typeof actual === "string") return expected.trim() === actual.trim();
  if (typeof expected === "object" && typeof actual === "object" && actual !== null) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].every((k) => sameValue((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k]));
  }
  return expected === actual;
}

const ratio = (correct: number, compared: number) => (compared === 0 ? null : Math.round((correct / compared) * 10_000) / 10_000);

/**
 * Scores a finished run against its documents' expected values: per field accuracy, per document
 * differences, and silent errors. Only fields of the definition that a document names are compared.
 */
export function scoreRun(config: CompiledPipeline, documents: EvaluatedDocument[]): Score {
  const fields: Record<string, FieldScore> = {};
  const perDocument: Score["documents"] = [];
  for (const doc of documents) {
    const expected = doc.expected as Record<string, unknown> | null;
    if (!expected) continue;
    const cells = doc.cells as Cells;
    const entry = { record_id: recordKey(doc), document_id: doc.id, compared: 0, correct: 0, differences: [] as Difference[] };
    for (const field of config.fields) {
      if (!(field.name in expected)) continue;
      const cell = cells[field.name];
      const actual = releasedValue(cell);
      const score = (fields[field.name] ??= {
        compared: 0, correct: 0, accuracy: null, silent_errors: 0, from_model: 0, from_rules: 0, model_share: null, model_silent_errors: 0,
      });
      score.compared++;
      entry.compared++;
      const fromModel = cell.resolved_by === "extraction:llm";
      if (fromModel) score.from_model++;
      else if (cell.resolved_by?.startsWith("extraction:")) score.from_rules++;
      if (sameValue(expected[field.name], actual)) {
        score.correct++;
        entry.correct++;
        continue;
      }
      const silent = cell.status === "completed" && actual !== null;
      if (silent) score.silent_errors++;
      if (silent && fromModel) score.model_silent_errors++;
      entry.differences.push({ field: field.name, expected: expected[field.name], actual, status: cell.status, silent });
    }
    perDocument.push(entry);
  }
  for (const score of Object.values(fields)) {
    score.accuracy = ratio(score.correct, score.compared);
    score.model_share = ratio(score.from_model, score.from_model + score.from_rules);
  }
  const compared = perDocument.reduce((n, d) => n + d.compared, 0);
  const correct = perDocument.reduce((n, d) => n + d.correct, 0);
  return {
    documents_evaluated: perDocument.length,
    accuracy: ratio(correct, compared),
    silent_errors: Object.values(fields).reduce((n, f) => n + f.silent_errors, 0),
    model_silent_errors: Object.values(fields).reduce((n, f) => n + f.model_silent_errors, 0),
    fields,
    documents: perDocument,
  };
}

export interface Comparison {
  fields: { better: string[]; worse: string[]; unchanged: string[] };
  documents: { better: string[]; worse: string[] };
  accuracy_delta: number | null;
  silent_errors_delta: number;
}

const wrongFields = (doc: Score["documents"][number]) => new Set(doc.differences.map((d) => d.field));

/** Which fields and documents (by record key) got better or worse from `previous` to `current`. */
export function compareScores(previous: Score, current: Score): Comparison {
  const fields: Comparison["fields"] = { better: [], worse: [], unchanged: [] };
  for (const [name, now] of Object.entries(current.fields)) {
    const before = previous.fields[name]?.accuracy ?? null;
    if (before === null || now.accuracy === null || before === now.accuracy) fields.unchanged.push(name);
    else (now.accuracy > before ? fields.better : fields.worse).push(name);
  }
  const earlier = new Map(previous.documents.map((d) => [d.record_id, d]));
  const documents: Comparison["documents"] = { better: [], worse: [] };
  for (const doc of current.documents) {
    const before = earlier.get(doc.record_id);
    if (!before) continue;
    const [was, is] = [wrongFields(before), wrongFields(doc)];
    if ([...is].some((f) => !was.has(f))) documents.worse.push(doc.record_id);
    else if ([...was].some((f) => !is.has(f))) documents.better.push(doc.record_id);
  }
  const delta = previous.accuracy === null || current.accuracy === null
    ? null
    : Math.round((current.accuracy - previous.accuracy) * 10_000) / 10_000;
  return { fields, documents, accuracy_delta: delta, silent_errors_delta: current.silent_errors - previous.silent_errors };
}
