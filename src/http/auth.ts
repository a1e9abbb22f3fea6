import type { MiddlewareHandler } from "hono";
import { API_KEY_PREFIX, hasScope, looksLikeApiKey } from "../api-keys";
import { findActiveKey } from "../db/queries/api-keys";
import { ApiError } from "../errors";
import type { AppEnv, Scope } from "./env";
import { cachedKey, rememberKey } from "./key-cache";
import { applyRateLimit, clientIp } from "./rate-limit";

function presentedKey(header: (name: string) => string | undefined): string | undefined {
  const direct = header("x-api-key")?.trim();
  if (direct) return direct;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header("authorization") ?? "");
  return match?.[1];
}

/** Says what was wrong with how the key was sent, e.g. a bare `slk_…` without its `Bearer`. */
function missingKeyMessage(authorization: string | undefined): string {
  const given = authorization?.trim() ?? "";
  if (given.startsWith(API_KEY_PREFIX)) return "the Authorization header needs the Bearer scheme: send `Authorization: Bearer slk_…` (or the key alone in X-API-Key)";
  // What was sent is not echoed: it may be a secret of another kind.
  if (given) return "the Authorization header must be `Bearer slk_…`; other schemes are not accepted (or send the key in X-API-Key)";
  return "missing API key: send X-API-Key or Authorization: Bearer";
}

/**
 * Authenticates `/v1/*`. The limiter runs on the key's hash before the database is asked,
 * so a throttled or guessing client costs no query.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = presentedKey((name) => c.req.header(name));
  if (!key) throw new ApiError("unauthorized", missingKeyMessage(c.req.header("authorization")));
  const { db, rateLimiters } = c.get("services");
  const cached = await cachedKey(db, key);
  if (cached.caller) {
    await applyRateLimit(c, [rateLimiters.api, `key:${cached.hash}`]);
    c.set("caller", cached.caller);
    return next();
  }
  // A key this isolate does not know costs its client from a per-address budget before the database is asked.
  await applyRateLimit(c, [rateLimiters.api, `key:${cached.hash}`], [rateLimiters.authLookup, `ip:${clientIp(c)}`]);
  const found = looksLikeApiKey(key) ? await findActiveKey(db, cached.hash) : undefined;
  if (!found) throw new ApiError("unauthorized", "invalid or revoked API key");
  const caller = { organizationId: found.organizationId, keyId: found.id, scopes: found.scopes };
  rememberKey(db, key, cached.hash, caller);
  c.set("caller", caller);
  await next();
};

export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!hasScope(c.get("caller").scopes, scope)) {
      throw new ApiError("forbidden", `this API key lacks the '${scope}' scope`);
    }
    await next();
  };
}
