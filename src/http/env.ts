import type { Context } from "hono";
import type { Scope } from "../api-keys";
import type { RequestIdVariables } from "hono/request-id";
import type { HostResolver } from "../adapters/dns/interface";
import type { Fetcher } from "../adapters/fetch/interface";
import type { LlmProviders } from "../adapters/llm/per-organization";
import type { DeliveryVerifier, Queue } from "../adapters/queue/interface";
import type { RateLimiter } from "../adapters/ratelimit/interface";

/** The buckets requests are counted in (src/http/rate-limit.ts says which applies where). */
export interface RateLimiters {
  /** Per API key. */
  api: RateLimiter;
  /** Per client address on share links. */
  share: RateLimiter;
  /** Per share link, above the per-client budget: no one client can use a link up for everyone. */
  shareToken: RateLimiter;
  /** Per client address, for keys not known to this isolate: every guess costs from it before the database is asked. */
  authLookup: RateLimiter;
}
import type { Clock } from "../clock";
import type { Config } from "../config";
import type { Db } from "../db/types";
import type { Logger } from "../logger";
import type { ParseBox } from "../documents/parse/box";
import type { PageReader } from "../adapters/ocr/interface";

/** Everything the app needs from the outside world; each runtime entry builds these. */
export interface Services {
  db: Db;
  queue: Queue;
  verifier: DeliveryVerifier;
  rateLimiters: RateLimiters;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** Resolves URL hosts before a fetch, so private destinations are refused (SSRF). */
  resolver: HostResolver;
  /** HTTP for URLs callers give (`file_url`): never follows redirects; on Node it pins the checked address. */
  fetcher: Fetcher;
  /** Where documents are parsed: a worker thread with limits on Node, the isolate itself on Workers. */
  parse: ParseBox;
  /** The model `llm` extractors call, limited per organization; absent without LLM_API_KEY. */
  llm?: LlmProviders;
  /** The client's address where the runtime knows it (Node: the socket); used for per-IP limits. */
  clientIp?: (c: Context) => string | undefined;
  /** Reads scanned pages (Node: worker threads); absent on the Worker. */
  reader?: PageReader;
  /** Why there is no reader, naming the setting that would give one (the Worker: READER_URL). */
  readerMissing?: string;
}

export type { Scope };

/** A reviewer signed in to the review console with a key (see review/session.ts). */
export interface ReviewSession {
  id: string;
  caller: Caller;
  keyLabel: string;
  /** Proves a form came from a page we rendered for this session (synchronizer token). */
  csrfToken: string;
}

/** Who is calling: set by the auth middleware on every /v1 route. */
export interface Caller {
  organizationId: string;
  keyId: string;
  scopes: Scope[];
}

export interface AppEnv {
  /** `caller` is set on /v1 routes, `session` on the review console's signed-in pages. */
  Variables: RequestIdVariables & { services: Services; caller: Caller; session: ReviewSession };
}
