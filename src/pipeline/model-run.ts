import type { Config } from "../config";
import type { DeliveryState } from "../db/queries/deliveries";
import { badRequest } from "../errors";
import { findLlmAnswer, storeLlmAnswer } from "../db/queries/llm-answers";
import type { Services } from "../http/env";
import type { CompiledPipeline } from "./definition";
import type { ModelRun } from "./model-pass";

export const readsWithModel = (pipeline: CompiledPipeline) => pipeline.fields.some((f) => f.extract.some((e) => e.type === "llm"));

/** A definition that reads fields with a model needs one configured: a 400 naming the setting, not a run of failed cells. */
export function requireModel(pipeline: CompiledPipeline, config: Config) {
  if (config.llm) return;
  const details = pipeline.fields.flatMap((f, i) => f.extract.flatMap((e, j) => (e.type === "llm"
    ? [{ path: `fields.${i}.extract.${j}`, message: "an llm extractor needs LLM_API_KEY set on the server (and LLM_BASE_URL, LLM_MODEL)" }]
    : [])));
  if (details.length > 0) throw badRequest("llm extractors need LLM_API_KEY: no model is configured", details);
}

/** What one delivery's model pass may use: the organization's provider, the answer cache, the run's budget. */
export function modelRun(services: Services, state: DeliveryState, attempt: number): ModelRun {
  const { config, db } = services;
  const org = state.organization_id;
  const llm = config.llm;
  const provider = llm && services.llm?.(org);
  return {
    reader: llm && provider
      ? {
        provider: provider.name, defaultModel: llm.model, prices: llm.prices,
        complete: (request) => provider.complete(request),
        cached: (key) => findLlmAnswer(db, org, key),
        remember: (key, answer) => storeLlmAnswer(db, org, key, answer),
      }
      : null,
    maxCost: state.options?.max_cost ?? null,
    spent: state.llm_spent ?? 0,
    skipCache: state.options?.skip_cache ?? false,
    finalAttempt: attempt >= config.queueMaxRetries,
    maxOutputTokens: llm?.maxOutputTokens ?? 4096,
  };
}
