import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./documents";

/** One scripted reply of the fake model server. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** The chat-completion's message content (ignored when `raw` is given). */
  content?: string;
  finishReason?: string;
  /** A whole response body instead of a chat completion. */
  raw?: string;
  delayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number };
}

export interface FakeRequest {
  /** When the request arrived (ms since the epoch). */
  at: number;
  authorization: string | undefined;
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    response_format: { type: string; json_schema: { schema: { required: string[] } } };
  };
}

/** The fields a request asks for (the JSON schema's required keys). */
export const askedFields = (r: FakeRequest) => r.body.response_format.json_schema.schema.required;

type Script = (request: FakeRequest, index: number) => FakeReply;

/**
 * An OpenAI-compatible chat-completions server on loopback, answering each request as the current
 * script says: the real provider adapter talks to it over real HTTP, as it would to any server.
 */
export async function startFakeLlm() {
  const requests: FakeRequest[] = [];
  let script: Script = () => ({ status: 500, raw: "no script" });
  const server: Server = createServer(async (req, res) => {
    const request: FakeRequest = { at: Date.now(), authorization: req.headers.authorization, body: JSON.parse(await readBody(req)) };
    const index = requests.push(request) - 1;
    const reply = script(request, index);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const usage = reply.usage ?? { prompt_tokens: 1000, completion_tokens: 100 };
    const body = reply.raw ?? JSON.stringify({
      id: `chat-${index}`, object: "chat.completion", model: request.body.model,
      choices: [{ index: 0, message: { role: "assistant", content: reply.content ?? "{}" }, finish_reason: reply.finishReason ?? "stop" }],
      usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 } },
    });
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    /** Sets how the next requests are answered; a list is played in order, its last entry repeating. */
    script(next: Script | FakeReply[]) {
      const start = requests.length;
      script = Array.isArray(next) ? (_r, i) => next[Math.min(i - start, next.length - 1)] : next;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export type FakeLlm = Awaited<ReturnType<typeof startFakeLlm>>;

/** A model answer for the given fields: `{value, quote, page}` each. */
export const answer = (fields: Record<string, { value: string | null; quote: string | null; page?: number | null }>) =>
  JSON.stringify(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, { value: a.value, quote: a.quote, page: a.page ?? 0 }])));

/** The settings an app needs to call the fake server, with prices that make every cost visible. */
export function fakeLlmEnv(llm: { baseUrl: string }) {
  return {
    LLM_BASE_URL: llm.baseUrl, LLM_API_KEY: "test-key-not-stored", LLM_MODEL: "fake-1",
    LLM_PRICE_INPUT: "2", LLM_PRICE_OUTPUT: "8", LLM_PRICE_CACHED: "1", LLM_TIMEOUT_MS: "1500", QUEUE_MAX_RETRIES: "2",
  };
}
