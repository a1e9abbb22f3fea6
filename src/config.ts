import { randomToken } from "./crypto";
import * as v from "valibot";

const int = (fallback: number, min = 0) =>
  v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(min)), String(fallback));
const optionalString = v.optional(v.pipe(v.string(), v.nonEmpty()));

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
  MAX_BODY_BYTES: int(10 * 1024 * 1024, 1024),
  QUEUE_MAX_RETRIES: int(3, 0),
  MAX_PHASE_CRASHES: int(3, 1),
  WEBHOOK_DISABLE_AFTER_DAYS: int(5, 1),
  SWEEP_INTERVAL_SECONDS: int(30, 1),
  SWEEP_STALE_SECONDS: int(120, 1),
  MAX_FILE_BYTES: int(10 * 1024 * 1024, 1024),
  MAX_PAGES: int(500, 1),
  FETCH_TIMEOUT_MS: int(10_000, 100),
  FETCH_MAX_REDIRECTS: int(5, 0),
  FETCH_ALLOW_HOSTS: v.optional(v.string(), ""),
  TRUST_PROXY: v.optional(v.string(), ""),
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
  rateLimit: { requests: number; windowSeconds: number; timeoutMs: number; shareRequests: number };
  maxBodyBytes: number;
  /** Addresses of proxies (Node) whose forwarding headers name the client; empty: the socket is the client. */
  trustProxy: ReadonlySet<string>;
  queueMaxRetries: number;
  /** Deliveries of one phase that may end their process before the document is retired (`phase_crashed`). */
  maxPhaseCrashes: number;
  /** A webhook endpoint whose every delivery failed for this many days is disabled. */
  webhookDisableAfterDays: number;
  sweep: { intervalSeconds: number; staleSeconds: number };
  /** Signs review console cookies; without SESSION_SECRET a per-process secret (sessions end at restart). */
  sessionSecret: string;
  documents: {
    maxFileBytes: number;
    maxPages: number;
    fetchTimeoutMs: number;
    fetchMaxRedirects: number;
    /** Hosts a URL fetch may reach although they are private (e.g. 127.0.0.1 for tests); empty in production. */
    fetchAllowHosts: ReadonlySet<string>;
  };
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
    },
    maxBodyBytes: e.MAX_BODY_BYTES,
    trustProxy: new Set(e.TRUST_PROXY.split(",").map((h) => h.trim()).filter(Boolean)),
    queueMaxRetries: e.QUEUE_MAX_RETRIES,
    maxPhaseCrashes: e.MAX_PHASE_CRASHES,
    webhookDisableAfterDays: e.WEBHOOK_DISABLE_AFTER_DAYS,
    sweep: { intervalSeconds: e.SWEEP_INTERVAL_SECONDS, staleSeconds: e.SWEEP_STALE_SECONDS },
    sessionSecret: e.SESSION_SECRET ?? randomToken("", 32),
    documents: {
      maxFileBytes: e.MAX_FILE_BYTES,
      maxPages: e.MAX_PAGES,
      fetchTimeoutMs: e.FETCH_TIMEOUT_MS,
      fetchMaxRedirects: e.FETCH_MAX_REDIRECTS,
      fetchAllowHosts: new Set(e.FETCH_ALLOW_HOSTS.split(",").map((h) => h.trim()).filter(Boolean)),
    },
  };
}
