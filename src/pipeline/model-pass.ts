import { LlmError, type LlmCompletion, type LlmRequest, type LlmUsage } from "../adapters/llm/interface";
import { sha256Hex } from "../crypto";
import type { LlmExtractor } from "../documents/extractors/llm";
import { selectedPages, whenMatches } from "../documents/extractors/scope";
import type { ModelAnswer } from "../documents/grounding";
import { answerJsonSchema, pageChunks, readAnswer, requestMessages, type ModelAnswers, type ModelField, type ModelItem } from "../documents/llm-request";
import { reason, unresolved } from "./cells";
import type { CompiledField } from "./definition";
import type { PhaseContext } from "./phases/context";
import { itemsCell, settle, settleItems, type SettledItem } from "./model-settle";
import { PermanentPhaseError, type Cells, type FieldType, type ParsedDocument } from "./types";

/** Per million tokens, as LLM_PRICE_* give them. */
export interface LlmPrices {
  input: number;
  output: number;
  cached: number;
}

/** A model answer kept for reuse: the text, and the model that gave it. */
export interface CachedAnswer {
  content: string;
  model: string;
}

/** What the extraction phase receives to read fields with a model: the provider (already limited per organization) and the cache. */
export interface ModelReader {
  provider: string;
  defaultModel: string;
  prices: LlmPrices;
  complete(request: LlmRequest): Promise<LlmCompletion>;
  cached(key: string): Promise<CachedAnswer | null>;
  remember(key: string, answer: CachedAnswer): Promise<void>;
}

export interface ModelRun {
  /** Null when no provider is configured (LLM_API_KEY unset). */
  reader: ModelReader | null;
  maxCost: number | null;
  /** What the run's model calls cost so far (this execution). */
  spent: number;
  skipCache: boolean;
  /** The queue will not deliver this document's phase again: a failure now fails the cells instead. */
  finalAttempt: boolean;
  maxOutputTokens: number;
}

/** A rate limit or outage the queue should wait out before delivering again (`Retry-After` when the server sent one). */
export class ModelRetryLater extends Error {
  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = "ModelRetryLater";
  }
}

/** Kept per document for audit, bounded: the request's messages and the answer text, cut at this many characters each. */
const MAX_KEPT = 20_000;
const bounded = (text: string) => (text.length > MAX_KEPT ? `${text.slice(0, MAX_KEPT)}… (${text.length - MAX_KEPT} more characters)` : text);

const ZERO: LlmUsage = { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, cache_write_tokens: 0 };
const addUsage = (a: LlmUsage, b: LlmUsage): LlmUsage => ({
  input_tokens: a.input_tokens + b.input_tokens, output_tokens: a.output_tokens + b.output_tokens,
  cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens, cache_write_tokens: a.cache_write_tokens + b.cache_write_tokens,
});

/** Cached input tokens are billed at their own price; the rest of the input at the input price. */
export const costOf = (u: LlmUsage, p: LlmPrices) =>
  Math.round(((u.input_tokens - u.cached_input_tokens) * p.input + u.cached_input_tokens * p.cached + u.output_tokens * p.output)) / 1e6;

interface Wanted {
  field: CompiledField;
  extractor: LlmExtractor;
  model: string;
}

/** The fields whose waterfall reached its `llm` extractor with nothing found (and whose `when` holds). */
function wantedFields(ctx: PhaseContext, cells: Cells, parsed: ParsedDocument, defaultModel: string): Wanted[] {
  const wanted: Wanted[] = [];
  for (const field of ctx.pipeline.fields) {
    const extractor = field.extract.find((e): e is LlmExtractor => e.type === "llm");
    const cell = cells[field.name];
    if (!extractor || cell.status !== "no_result" || cell.reason?.code !== "not_found") continue;
    if (extractor.when && !whenMatches(parsed, extractor.when)) continue;
    wanted.push({ field, extractor, model: extractor.model ?? defaultModel });
  }
  return wanted;
}

const asModelField = (w: Wanted, parsed: ParsedDocument): ModelField => ({
  name: w.field.name, type: w.field.type as FieldType, description: w.field.description,
  ...(w.extractor.instructions ? { instructions: w.extractor.instructions } : {}), pages: selectedPages(parsed, w.extractor.pages),
  ...(w.field.columns ? { columns: w.field.columns.map((c) => ({ name: c.name, type: c.type })) } : {}),
});

export interface CallNotes {
  model: string;
  fields: string[];
  cache_hit: boolean;
  usage: LlmUsage;
  cost: number;
  duration_ms: number;
  attempts: number;
  request: string;
  answer: string;
  error?: string;
}

type CallResult = { ok: true; answers: ModelAnswers; notes: CallNotes } | { ok: false; message: string; notes: CallNotes };

/** One call for a group of fields: the cache, else the model (a cut-off or schema-breaking answer is asked again once). */
async function callModel(run: ModelRun, reader: ModelReader, key: string, request: LlmRequest, fields: ModelField[]): Promise<CallResult> {
  const started = Date.now();
  const notes: CallNotes = {
    model: request.model, fields: fields.map((f) => f.name), cache_hit: false, usage: ZERO, cost: 0, duration_ms: 0, attempts: 0,
    request: bounded(request.messages.map((m) => `[${m.role}]\n${m.content}`).join("\n\n")), answer: "",
  };
  const hit = run.skipCache ? null : await reader.cached(key);
  if (hit) {
    const read = readAnswer(hit.content, fields);
    if (read.ok) return { ok: true, answers: read.answers, notes: { ...notes, cache_hit: true, answer: bounded(hit.content) } };
  }
  let last = "";
  for (let attempt = 1; attempt <= 2; attempt++) {
    let completion: LlmCompletion;
    try {
      completion = await reader.complete(request);
    } catch (error) {
      notes.duration_ms = Date.now() - started;
      return failedCall(run, error, notes);
    }
    notes.attempts = attempt;
    notes.usage = addUsage(notes.usage, completion.usage);
    notes.cost = costOf(notes.usage, reader.prices);
    notes.answer = bounded(completion.content);
    const read = completion.finish_reason === "length"
      ? { ok: false as const, message: "the answer was cut off (finish_reason: length)" }
      : readAnswer(completion.content, fields);
    if (read.ok) {
      notes.duration_ms = Date.now() - started;
      await reader.remember(key, { content: completion.content, model: completion.model });
      return { ok: true, answers: read.answers, notes };
    }
    last = read.message;
  }
  notes.duration_ms = Date.now() - started;
  return { ok: false, message: `${last} (asked twice)`, notes: { ...notes, error: last } };
}

/** Rate limits and outages wait in the queue while it will deliver again; on the final attempt, or when refused, the cells fail. */
function failedCall(run: ModelRun, error: unknown, notes: CallNotes): CallResult {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof LlmError && error.kind !== "refused" && !run.finalAttempt) throw new ModelRetryLater(message, error.retryAfterSeconds);
  if (!(error instanceof LlmError)) throw error;
  return { ok: false, message, notes: { ...notes, error: message } };
}

async function cacheKey(parsed: ParsedDocument, pages: number[], fields: ModelField[], model: string) {
  const what = JSON.stringify({ pages: pages.map((p) => parsed.page_numbers?.[p] ?? p), fields, model });
  return `${parsed.content_hash}:${await sha256Hex(what)}`;
}

export interface ModelPassResult {
  cells: Cells;
  notes?: { tool_name: "llm"; provider: string; model: string; cache_hit: boolean; usage: LlmUsage; cost: number; duration_ms: number; calls: CallNotes[] };
}

type Fail = (w: Wanted[], status: "no_result" | "failed", code: string, summary: string, message: string) => void;

/**
 * One model's fields: the first page chunk is one call for all of them; line items (table fields) are
 * also read from the later chunks, one call each, and their items joined in page order. A table field
 * whose chunk fails, or is over budget, ends failed/`budget_exceeded` whole: never a silent part of its items.
 */
async function readGroup(ctx: PhaseContext, run: ModelRun, reader: ModelReader, model: string, group: Wanted[], out: Cells, calls: CallNotes[], fail: Fail) {
  const parsed = ctx.parsed!;
  const fields = group.map((w) => asModelField(w, parsed));
  const items = new Map<string, SettledItem[]>(group.filter((w) => w.field.columns).map((w) => [w.field.name, []]));
  for (const [index, pages] of pageChunks(parsed, fields).entries()) {
    const members = group.map((w, i) => ({ w, field: { ...fields[i], pages: fields[i].pages.filter((p) => pages.includes(p)) } }))
      .filter((m) => (items.has(m.w.field.name) ? m.field.pages.length > 0 : index === 0));
    if (members.length === 0) continue;
    const spent = run.spent + calls.reduce((s, c) => s + c.cost, 0);
    if (index > 0 && run.maxCost !== null && spent >= run.maxCost) {
      fail(members.map((m) => m.w), "no_result", "budget_exceeded", "the run's max_cost was reached", `the run spent ${spent} of its max_cost ${run.maxCost}`);
      members.forEach((m) => items.delete(m.w.field.name));
      continue;
    }
    const scoped = members.map((m) => m.field);
    const request: LlmRequest = {
      model, messages: requestMessages(parsed, scoped, pages), schema: answerJsonSchema(scoped), schemaName: "fields", maxOutputTokens: run.maxOutputTokens,
    };
    const result = await callModel(run, reader, await cacheKey(parsed, pages, scoped, model), request, scoped);
    calls.push(result.notes);
    if (!result.ok) {
      fail(members.map((m) => m.w), "failed", "llm_failed", "the model's answer could not be used", result.message);
      members.forEach((m) => items.delete(m.w.field.name));
      continue;
    }
    for (const { w, field } of members) {
      const answer = result.answers[w.field.name];
      const reading = { pages: field.pages, phaseIndex: ctx.phaseIndex };
      const found = items.get(w.field.name);
      if (w.field.columns) {
        if (found) found.push(...settleItems(answer as ModelItem[], w.field.columns, parsed, reading, found.length));
        continue;
      }
      out[w.field.name] = settle(out[w.field.name], answer as ModelAnswer, parsed, { ...reading, type: w.field.type as FieldType, options: w.field.resolve });
    }
  }
  for (const [name, found] of items) out[name] = itemsCell(out[name], found);
}

/**
 * After the deterministic extractors ran: one model call per document (per model named, per page chunk
 * for long documents' line items) reads every `llm` field still empty; each answer is grounded or held.
 * Over budget, fields end `budget_exceeded`.
 */
export async function readWithModel(ctx: PhaseContext, cells: Cells, run: ModelRun): Promise<ModelPassResult> {
  const parsed = ctx.parsed;
  if (!parsed) throw new PermanentPhaseError("not_transferred", "the document has no parsed text; run transfer first");
  const wanted = wantedFields(ctx, cells, parsed, run.reader?.defaultModel ?? "");
  if (wanted.length === 0) return { cells };
  const out: Cells = { ...cells };
  const fail: Fail = (w, status, code, summary, message) =>
    w.forEach(({ field }) => (out[field.name] = unresolved(out[field.name], status, reason(code, summary, message), {})));
  if (!run.reader) {
    fail(wanted, "failed", "llm_failed", "no model is configured", "set LLM_API_KEY (and LLM_BASE_URL, LLM_MODEL) to read llm fields");
    return { cells: out };
  }
  if (run.maxCost !== null && run.spent >= run.maxCost) {
    fail(wanted, "no_result", "budget_exceeded", "the run's max_cost was reached", `the run spent ${run.spent} of its max_cost ${run.maxCost}`);
    return { cells: out };
  }
  const reader = run.reader;
  const calls: CallNotes[] = [];
  for (const model of new Set(wanted.map((w) => w.model))) {
    const group = wanted.filter((w) => w.model === model);
    await readGroup(ctx, run, reader, model, group, out, calls, fail);
  }
  const usage = calls.reduce((sum, c) => addUsage(sum, c.usage), ZERO);
  const notes = {
    tool_name: "llm" as const, provider: reader.provider, model: [...new Set(calls.map((c) => c.model))].join(","),
    cache_hit: calls.every((c) => c.cache_hit), usage, cost: Math.round(calls.reduce((s, c) => s + c.cost, 0) * 1e6) / 1e6,
    duration_ms: calls.reduce((s, c) => s + c.duration_ms, 0), calls,
  };
  return { cells: out, notes };
}
