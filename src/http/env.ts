import type { Context } from "hono";
import type { Scope } from "../api-keys";
import type { RequestIdVariables } from "hono/request-id";
import type { HostResolver } from "../adapters/dns/interface";
import type { Fetcher } from "../adapters/fetch/interface";
import type { DeliveryVerifier, Queue } from "../adapters/queue/interface";
import type { RateLimiter } from "../adapters/ratelimit/interface";
import type { Clock } from "../clock";
import type { Config } from "../config";
import type { Db } from "../db/types";
import type { Logger } from "../logger";
import type { ParseBox } from "../documents/parse/box";

/** Everything the app needs from the outside world; each runtime entry builds these. */
export interface Services {
  db: Db;
  queue: Queue;
  verifier: DeliveryVerifier;
  rateLimiters: { api: RateLimiter; share: RateLimiter };
  clock: Clock;
  config: Config;
  logger: Logger;
  /** Resolves URL hosts before a fetch, so private destinations are refused (SSRF). */
  resolver: HostResolver;
  /** HTTP for URLs callers give (`file_url`): never follows redirects; on Node it pins the checked address. */
  fetcher: Fetcher;
  /** Where documents are parsed: a worker thread with limits on Node, the isolate itself on Workers. */
  parse: ParseBox;
  /** The client's address where the runtime knows it (Node: the socket); used for per-IP limits. */
  clientIp?: (c: Context) => string | undefined;
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
