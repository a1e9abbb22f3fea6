/**
 * A language model behind one small interface: a chat completion that must answer JSON of a given
 * schema. The OpenAI-compatible adapter speaks it over `fetch`, so Node and the Worker share it;
 * domain code receives a provider and never imports an SDK or a URL.
 */

export interface LlmMessage {
  role: "system" | "user";
  content: string;
}

export interface LlmRequest {
  model: string;
  messages: LlmMessage[];
  /** JSON schema of the answer (asked for as structured output; the caller validates whatever comes back). */
  schema: Record<string, unknown>;
  schemaName: string;
  maxOutputTokens: number;
}

export interface LlmUsage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
}

export interface LlmCompletion {
  /** The answer's text as the server sent it (JSON expected, not trusted). */
  content: string;
  /** `length` means the answer was cut off. */
  finish_reason: string | null;
  usage: LlmUsage;
  model: string;
}

export interface LlmProvider {
  /** Named in `observability.provider`. */
  readonly name: string;
  complete(request: LlmRequest): Promise<LlmCompletion>;
}

/**
 * Why a call failed, as the caller must treat it: `rate_limited` and `unavailable` carry the server's
 * `Retry-After` when it sent one; `transient` (other 5xx, timeouts, network) is retried with backoff;
 * `refused` (4xx: bad model, bad key) will not get better by retrying.
 */
export class LlmError extends Error {
  constructor(
    readonly kind: "rate_limited" | "unavailable" | "transient" | "refused",
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "LlmError";
  }
}
