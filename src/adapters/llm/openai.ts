import { LlmError, type LlmCompletion, type LlmProvider, type LlmRequest } from "./interface";

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** Injected so tests and runtimes choose the transport; the global `fetch` otherwise. */
  fetch?: typeof fetch;
}

/** `Retry-After` as seconds (delta or HTTP date), or undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : 0);

function failure(response: Response, detail: string): LlmError {
  const after = retryAfterSeconds(response.headers.get("retry-after"));
  const message = `the model server answered ${response.status}${detail ? `: ${detail}` : ""}`;
  if (response.status === 429) return new LlmError("rate_limited", message, after);
  if (response.status === 503) return new LlmError("unavailable", message, after);
  if (response.status >= 500 || response.status === 408) return new LlmError("transient", message);
  return new LlmError("refused", message);
}

interface ChatCompletion {
  model?: string;
  choices?: Array<{ message?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: {
    prompt_tokens?: number; completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number };
  };
}

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp's server, Ollama, …):
 * `POST {baseUrl}/chat/completions` with `response_format: json_schema`. The key goes in the
 * Authorization header only; nothing here logs or returns it.
 */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): LlmProvider {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  return {
    name: "openai-compatible",
    async complete(request: LlmRequest): Promise<LlmCompletion> {
      const body = {
        model: request.model,
        messages: request.messages,
        temperature: 0,
        max_tokens: request.maxOutputTokens,
        response_format: { type: "json_schema", json_schema: { name: request.schemaName, strict: true, schema: request.schema } },
      };
      let response: Response;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        throw new LlmError("transient", timedOut ? `the model server did not answer within ${options.timeoutMs} ms` : `the model server could not be reached`);
      }
      if (!response.ok) {
        const detail = (await response.text().catch(() => "")).slice(0, 200);
        throw failure(response, detail);
      }
      let parsed: ChatCompletion;
      try {
        parsed = (await response.json()) as ChatCompletion;
      } catch {
        throw new LlmError("transient", "the model server's response was not JSON");
      }
      const choice = parsed.choices?.[0];
      const usage = parsed.usage ?? {};
      return {
        content: typeof choice?.message?.content === "string" ? choice.message.content : "",
        finish_reason: choice?.finish_reason ?? null,
        model: typeof parsed.model === "string" ? parsed.model : request.model,
        usage: {
          input_tokens: count(usage.prompt_tokens),
          output_tokens: count(usage.completion_tokens),
          cached_input_tokens: count(usage.prompt_tokens_details?.cached_tokens),
          cache_write_tokens: count(usage.prompt_tokens_details?.cache_write_tokens),
        },
      };
    },
  };
}
