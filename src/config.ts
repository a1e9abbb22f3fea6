import { randomToken } from "./crypto";
import * as v from "valibot";
import type { ParseLimits } from "./documents/parse/limits";

const int = (fallback: number, min = 0) =>
  v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(min)), String(fallback));
const optionalString = v.optional(v.pipe(v.string(), v.nonEmpty()));
const price = v.optional(v.pipe(v.string(), v.transform(Number), v.number("must be a number"), v.minValue(0)), "0");

/** Every environment variable Sluice reads, with its default (README §Configuration mirrors this). */
const ConfigSchema = v.object({
  PORT: int(8787, 1),
  PUBLIC_URL: optionalString,
  DATABASE_URL: optionalString,
  SLUICE_DATA_DIR: v.optional(v.string(), ".data"),
  NEON_WS_PROXY: optionalString,
  QSTASH_TOKEN: optionalString,
  QSTASH_URL: optionalString,
  QSTASH_CURRENT_SIGNING_KEY: optionalString,
  QSTASH_NEXT_SIGNING_KEY: optionalString,
  UPSTASH_REDIS_REST_URL: optionalString,
  UPSTASH_REDIS_REST_TOKEN: optionalString,
  RATE_LIMIT_REQUESTS: int(600, 1),
  RATE_LIMIT_WINDOW_SECONDS: int(60, 1),
  RATE_LIMIT_TIMEOUT_MS: int(300, 1),
  SHARE_RATE_LIMIT_REQUESTS: int(120, 1),
  SHARE_TOKEN_RATE_LIMIT_REQUESTS: int(1200, 1),
  AUTH_LOOKUP_RATE_LIMIT_REQUESTS: int(600, 1),
  MAX_BODY_BYTES: v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1024))),
  QUEUE_MAX_RETRIES: int(3, 0),
  MAX_PHASE_CRASHES: int(3, 1),
  WEBHOOK_DISABLE_AFTER_DAYS: int(5, 1),
  SWEEP_INTERVAL_SECONDS: int(30, 1),
  SWEEP_STALE_SECONDS: int(120, 1),
  MAX_FILE_BYTES: int(10 * 1024 * 1024, 1024),
  MAX_PAGES: int(500, 1),
  MAX_WORDS: int(500_000, 1),
  PDF_MAX_STREAM_BYTES: int(64 * 1024 * 1024, 1024),
  PDF_MAX_DECOMPRESSED_BYTES: int(256 * 1024 * 1024, 1024),
  PARSE_TIMEOUT_MS: int(60_000, 100),
  PARSE_MEMORY_MB: int(512, 32),
  PARSE_THREADS: int(2, 1),
  FETCH_TIMEOUT_MS: int(10_000, 100),
  FETCH_MAX_REDIRECTS: int(5, 0),
  FETCH_ALLOW_HOSTS: v.optional(v.string(), ""),
  TRUST_PROXY: v.optional(v.string(), ""),
  RESPONSE_CHECK: v.optional(v.picklist(["strict", "sample", "off"], "must be strict, sample or off"), "sample"),
  OCR_WORKERS: int(1, 1),
  OCR_PAGE_TIMEOUT_MS: int(120_000, 1000),
  READER_URL: v.optional(v.pipe(v.string(), v.url("must be a URL"))),
  LLM_BASE_URL: v.optional(v.pipe(v.string(), v.url("must be a URL")), "https://api.openai.com/v1"),
  LLM_API_KEY: optionalString,
  LLM_MODEL: v.optional(v.pipe(v.string(), v.nonEmpty()), "gpt-4o-mini"),
  LLM_PRICE_INPUT: price,
  LLM_PRICE_OUTPUT: price,
  LLM_PRICE_CACHED: price,
  LLM_TIMEOUT_MS: int(60_000, 100),
  LLM_CONCURRENCY: int(4, 1),
  LLM_MAX_OUTPUT_TOKENS: int(4096, 16),
  SESSION_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, "must be at least 32 characters"))),
});

type Env = v.InferOutput<typeof ConfigSchema>;

export interface Config {
  port: number;
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  neonWsProxy?: string;
  qstash?: { token: string; url?: string };
  signingKeys?: { current: string; next: string };
  upstashRedis?: { url: string; token: string };
  /**
   * Per window: `requests` per API key; `shareRequests` per client on share links, `shareTokenRequests`
   * per link (the ceiling no client can use up alone); `authLookupRequests` per client for keys that
   * must be looked up in the database (unknown ones: guesses), checked before the lookup.
   */
  rateLimit: {
    requests: number; windowSeconds: number; timeoutMs: number; shareRequests: number; shareTokenRequests: number; authLookupRequests: number;
  };
  maxBodyBytes: number;
  /** Addresses of proxies (Node) whose forwarding headers name the client; empty: the socket is the client. */
  trustProxy: ReadonlySet<string>;
  /** How many answers are checked against their documented schema (src/http/respond.ts): every one (tests), one in 100, none. */
  responseCheck: "strict" | "sample" | "off";
  queueMaxRetries: number;
  /** Deliveries of one phase that may end their process before the document is retired (`phase_crashed`). */
  maxPhaseCrashes: number;
  /** A webhook endpoint whose every delivery failed for this many days is disabled. */
  webhookDisableAfterDays: number;
  sweep: { intervalSeconds: number; staleSeconds: number };
  /** Signs review console cookies; without SESSION_SECRET a per-process secret (sessions end at restart). */
  sessionSecret: string;
  /** OCR threads on Node, the time limit per page, and (Worker) the Node deployment that reads scans. */
  ocr: { workers: number; pageTimeoutMs: number; readerUrl?: string };
  /** Present when LLM_API_KEY is set: the OpenAI-compatible endpoint `llm` extractors call. */
  llm?: LlmConfig;
  documents: {
    maxFileBytes: number;
    maxPages: number;
    /** Bounds the parsers check while working (words, PDF decompression). */
    parseLimits: ParseLimits;
    /** Node's parse box: one parse's wall-clock budget and heap ceiling, and parses at once. */
    parseBox: { timeoutMs: number; memoryMb: number; threads: number };
    fetchTimeoutMs: number;
    fetchMaxRedirects: number;
    /** Hosts a URL fetch may reach although they are private (e.g. 127.0.0.1 for tests); empty in production. */
    fetchAllowHosts: ReadonlySet<string>;
  };
}

export interface LlmConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Per million tokens; cached input tokens at their own price. */
  prices: { input: number; output: number; cached: number };
  timeoutMs: number;
  /** Model calls in flight per organization in one process. */
  concurrency: number;
  maxOutputTokens: number;
}

export class ConfigError extends Error {}

/** Parses a runtime's environment (process.env or Worker bindings) into a typed config. */
export function loadConfig(env: Record<string, unknown>): Config {
  const strings = Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === "string" && value !== ""));
  const parsed = v.safeParse(ConfigSchema, strings);
  if (!parsed.success) {
    const problems = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? "?"}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  return fromEnv(parsed.output);
}

function fromEnv(e: Env): Config {
  const both = <T>(a: string | undefined, b: string | undefined, make: (a: string, b: string) => T, names: string) => {
    if (!a !== !b) throw new ConfigError(`set both or neither of ${names}`);
    return a && b ? make(a, b) : undefined;
  };
  // The sweep must not take a document still being parsed for a stuck one (and count it as a crash).
  if (e.PARSE_TIMEOUT_MS >= e.SWEEP_STALE_SECONDS * 1000) {
    throw new ConfigError(`PARSE_TIMEOUT_MS (${e.PARSE_TIMEOUT_MS}) must be below SWEEP_STALE_SECONDS (${e.SWEEP_STALE_SECONDS} s)`);
  }
  return {
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.SLUICE_DATA_DIR,
    neonWsProxy: e.NEON_WS_PROXY,
    qstash: e.QSTASH_TOKEN ? { token: e.QSTASH_TOKEN, url: e.QSTASH_URL } : undefined,
    signingKeys: both(e.QSTASH_CURRENT_SIGNING_KEY, e.QSTASH_NEXT_SIGNING_KEY, (current, next) => ({ current, next }),
      "QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY"),
    upstashRedis: both(e.UPSTASH_REDIS_REST_URL, e.UPSTASH_REDIS_REST_TOKEN, (url, token) => ({ url, token }),
      "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN"),
    rateLimit: {
      requests: e.RATE_LIMIT_REQUESTS,
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      timeoutMs: e.RATE_LIMIT_TIMEOUT_MS,
      shareRequests: e.SHARE_RATE_LIMIT_REQUESTS,
      shareTokenRequests: e.SHARE_TOKEN_RATE_LIMIT_REQUESTS,
      authLookupRequests: e.AUTH_LOOKUP_RATE_LIMIT_REQUESTS,
    },
    // A file at MAX_FILE_BYTES must fit as base64 in JSON (4/3 of it) with room for the rest of the body.
    maxBodyBytes: e.MAX_BODY_BYTES ?? Math.ceil(e.MAX_FILE_BYTES * 4 / 3) + 1024 * 1024,
    trustProxy: new Set(e.TRUST_PROXY.split(",").map((h) => h.trim()).filter(Boolean)),
    responseCheck: e.RESPONSE_CHECK,
    queueMaxRetries: e.QUEUE_MAX_RETRIES,
    maxPhaseCrashes: e.MAX_PHASE_CRASHES,
    webhookDisableAfterDays: e.WEBHOOK_DISABLE_AFTER_DAYS,
    sweep: { intervalSeconds: e.SWEEP_INTERVAL_SECONDS, staleSeconds: e.SWEEP_STALE_SECONDS },
    sessionSecret: e.SESSION_SECRET ?? randomToken("", 32),
    ocr: { workers: e.OCR_WORKERS, pageTimeoutMs: e.OCR_PAGE_TIMEOUT_MS, readerUrl: e.READER_URL?.replace(/\/+$/, "") },
    llm: e.LLM_API_KEY
      ? {
        baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL,
        prices: { input: e.LLM_PRICE_INPUT, output: e.LLM_PRICE_OUTPUT, cached: e.LLM_PRICE_CACHED },
        timeoutMs: e.LLM_TIMEOUT_MS, concurrency: e.LLM_CONCURRENCY, maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
      }
      : undefined,
    documents: {
      maxFileBytes: e.MAX_FILE_BYTES,
      maxPages: e.MAX_PAGES,
      parseLimits: { maxWords: e.MAX_WORDS, maxStreamBytes: e.PDF_MAX_STREAM_BYTES, maxDecompressedBytes: e.PDF_MAX_DECOMPRESSED_BYTES },
      parseBox: { timeoutMs: e.PARSE_TIMEOUT_MS, memoryMb: e.PARSE_MEMORY_MB, threads: e.PARSE_THREADS },
      fetchTimeoutMs: e.FETCH_TIMEOUT_MS,
      fetchMaxRedirects: e.FETCH_MAX_REDIRECTS,
      fetchAllowHosts: new Set(e.FETCH_ALLOW_HOSTS.split(",").map((h) => h.trim()).filter(Boolean)),
    },
  };
}
