import { normalizeValue, type NormalizeOptions } from "../../documents/normalize";
import { dateEvidence, type DateEvidence } from "../../documents/normalize/date-evidence";
import { AMBIGUOUS_DATE } from "../../documents/normalize/dates";
import type { Normalized } from "../../documents/normalize/result";
import { aggregateValues } from "../aggregate";
import { matchKey } from "../../documents/normalize/enums";
import { completed, heldByReview, reason, unresolved } from "../cells";
import type { CompiledField } from "../definition";
import { deriveFields } from "../derived";
import { columnField, mapItemCells } from "../items";
import type { Candidate, Cell, Cells, FieldType, Verdict } from "../types";
import type { PhaseContext } from "./context";

type Resolved = { ok: true; value: unknown; candidate: Candidate; note?: string } | { ok: false; message: string; code?: string };
/** What the document says beyond one value: the order it writes dates in (undefined without a parsed document). */
type DocumentFacts = { readonly dates: DateEvidence | undefined; phaseIndex: number };

/** A lookup table maps a raw text (case and spacing ignored) to a value; strict tables refuse unknown texts. */
function lookedUp(field: CompiledField, raw: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const lookup = field.resolve.lookup;
  if (!lookup || (typeof raw !== "string" && typeof raw !== "number")) return { ok: true, value: raw };
  const wanted = matchKey(String(raw));
  const hit = Object.entries(lookup.table).find(([from]) => matchKey(from) === wanted);
  if (hit) return { ok: true, value: hit[1] };
  return lookup.strict ? { ok: false, message: `${JSON.stringify(raw)} is not in the lookup table` } : { ok: true, value: raw };
}

function normalized(field: CompiledField, candidate: Candidate, facts: DocumentFacts): Resolved {
  const mapped = lookedUp(field, candidate.value);
  if (!mapped.ok) return mapped;
  const options: NormalizeOptions = field.type === "date" ? { ...field.resolve, evidence: facts.dates } : field.resolve;
  const result = normalizeValue(field.type as FieldType, mapped.value, options);
  return result.ok ? { ok: true, value: result.value, candidate, ...(result.note ? { note: result.note } : {}) } : result;
}

/** The candidate policy: `first` that reads, `highest_confidence` that reads, or all that read must `agree`. */
function choose(field: CompiledField, candidates: Candidate[], facts: DocumentFacts): Resolved {
  const policy = field.resolve.policy ?? "first";
  const ordered = policy === "highest_confidence" ? [...candidates].sort((a, b) => b.confidence - a.confidence) : candidates;
  const results = ordered.map((c) => normalized(field, c, facts));
  // A date that reads two ways is not skipped for a later candidate: it is the value found, and it is held.
  const decisive = results.find((r) => r.ok || r.code === AMBIGUOUS_DATE);
  if (decisive && !decisive.ok) return decisive;
  const readable = results.filter((r) => r.ok);
  if (readable.length === 0) return results[0] ?? { ok: false, message: "no candidates" };
  if (policy === "agree") {
    const distinct = new Set(readable.map((r) => JSON.stringify(r.value)));
    if (distinct.size > 1) return { ok: false, message: `candidates disagree: ${[...distinct].join(" vs ")}` };
  }
  return readable[0];
}

/** Matches of an `all` extractor: every one must read as the field's type, or none is released. */
function everyMatch(field: CompiledField, candidates: Candidate[], facts: DocumentFacts): Normalized<unknown[]> {
  const values: unknown[] = [];
  for (const [i, candidate] of candidates.entries()) {
    const result = normalized(field, candidate, facts);
    if (!result.ok) return { ok: false, code: result.code, message: `match ${i + 1} of ${candidates.length}: ${result.message}` };
    values.push(result.value);
  }
  return { ok: true, value: values };
}

/**
 * With `aggregate`, the matches of an `all` extractor become the field's value (the policy does not
 * choose among them); otherwise the policy's one value is aggregated alone (a `list` of one).
 */
function aggregated(field: CompiledField, cell: Cell, candidates: Candidate[], facts: DocumentFacts): Resolved {
  if (field.aggregate && cell.meta.all) {
    const values = everyMatch(field, candidates, facts);
    const value = values.ok ? aggregateValues(field.aggregate, field.type as FieldType, values.value, field.separator) : values;
    return value.ok ? { ok: true, value: value.value, candidate: candidates[0] } : value;
  }
  const chosen = choose(field, candidates, facts);
  if (!chosen.ok || !field.aggregate) return chosen;
  const value = aggregateValues(field.aggregate, field.type as FieldType, [chosen.value], field.separator);
  return value.ok ? { ...chosen, value: value.value } : value;
}

function resolveCell(field: CompiledField, cell: Cell, facts: DocumentFacts): Cell {
  const candidates = cell.meta.candidates ?? [{ value: cell.value, confidence: cell.meta.confidence ?? 1, provenance: cell.meta.provenance! }];
  const chosen = aggregated(field, cell, candidates, facts);
  if (!chosen.ok && chosen.code === AMBIGUOUS_DATE) {
    // Held, never guessed: a blocking verdict of its own puts it in the review queue, where a reviewer
    // gives the date (an override); the value stays null until then.
    const why = reason(AMBIGUOUS_DATE, "the date reads two ways", chosen.message);
    const verdict: Verdict = { gate: AMBIGUOUS_DATE, rule: "date", mode: "blocking", passed: false, phase_index: facts.phaseIndex, message: chosen.message };
    const verdicts = [...(cell.meta.verdicts ?? []).filter((v) => v.gate !== AMBIGUOUS_DATE), verdict];
    return { ...cell, value: null, status: "needs_review", resolved_by: null, reason: why, meta: { ...cell.meta, raw: cell.value, verdicts } };
  }
  if (!chosen.ok) {
    const code = chosen.message.startsWith("candidates disagree") ? "candidates_disagree" : "invalid_value";
    return unresolved(cell, "failed", reason(code, `not a valid ${field.type}`, chosen.message));
  }
  const { candidate } = chosen;
  return completed(cell, chosen.value, `extraction:${candidate.provenance.extractor}`, {
    ...cell.meta, raw: candidate.value, provenance: candidate.provenance, confidence: candidate.confidence,
    ...(chosen.note ? { reading: chosen.note } : {}),
  });
}

/** Each item cell resolves by its column's type. */
function resolveItems(field: CompiledField, cell: Cell, facts: DocumentFacts): Cell {
  const columns = new Map(field.columns!.map((c) => [c.name, columnField(c)]));
  return mapItemCells(cell, (column, itemCell) => (itemCell.status === "completed" ? resolveCell(columns.get(column)!, itemCell, facts) : itemCell));
}

/**
 * Normalises every extracted cell to its field's type (picking among candidates), then computes
 * derived fields in definition order, so each can read the fields defined before it; a derived field
 * with an input held for review is held too.
 */
export async function runResolution(ctx: PhaseContext): Promise<Cells> {
  const cells: Cells = { ...ctx.cells };
  const pages = ctx.parsed?.pages;
  // Read on first use only: most documents have no ambiguous date.
  const facts: DocumentFacts = { get dates() { return pages ? dateEvidence(pages) : undefined; }, phaseIndex: ctx.phaseIndex };
  for (const field of ctx.pipeline.fields) {
    const cell = cells[field.name];
    if (field.expression || heldByReview(cell) || cell.status !== "completed") continue;
    cells[field.name] = field.columns ? resolveItems(field, cell, facts) : resolveCell(field, cell, facts);
  }
  return deriveFields(ctx.pipeline, cells, ctx.context);
}
