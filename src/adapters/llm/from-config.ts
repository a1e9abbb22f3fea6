import type { LlmConfig } from "../../config";
import { createOpenAiCompatibleProvider } from "./openai";
import { perOrganization, type LlmProviders } from "./per-organization";

/** The configured model endpoint, limited per organization; undefined without LLM_API_KEY. */
export function llmProviders(config: LlmConfig | undefined, doFetch?: typeof fetch): LlmProviders | undefined {
  if (!config) return undefined;
  const provider = createOpenAiCompatibleProvider({ baseUrl: config.baseUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs, fetch: doFetch });
  return perOrganization(provider, config.concurrency);
}
