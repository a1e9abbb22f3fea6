/**
 * seed 001's `observability` of a run: which model served it and what it used, summed over the
 * execution's extraction steps (by the statement that finished it, or live while it runs).
 */

export interface UsageSum {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  total_cost: number;
  calls: number;
  model_id: string | null;
  provider: string | null;
}

export function presentObservability(sum: unknown) {
  if (!sum) return null;
  const s = sum as UsageSum;
  return {
    provider: s.provider ?? null,
    model_id: s.model_id ?? null,
    calls: Number(s.calls ?? 0),
    usage: {
      input_tokens: Number(s.input_tokens ?? 0), output_tokens: Number(s.output_tokens ?? 0),
      cached_input_tokens: Number(s.cached_input_tokens ?? 0), cache_write_tokens: Number(s.cache_write_tokens ?? 0),
      total_cost: Number(s.total_cost ?? 0),
    },
  };
}

/** A step's model calls as step lists show them: the figures, not the request and answer (the phase output has those). */
export function presentStepLlm(llm: unknown) {
  if (!llm) return null;
  const { calls: _calls, ...figures } = llm as { calls?: unknown } & Record<string, unknown>;
  return figures;
}
