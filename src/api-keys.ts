import { randomToken, sha256Hex } from "./crypto";

/** Secret API keys: `slk_` + 256 random bits, base64url. Only the SHA-256 is stored. */
export const API_KEY_PREFIX = "slk_";
const API_KEY_SHAPE = /^slk_[A-Za-z0-9_-]{43}$/;

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Scopes are ranked: `admin` may do what `write` may, and `write` what `read` may. */
export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  const rank = SCOPES.indexOf(needed);
  return granted.some((scope) => SCOPES.indexOf(scope) >= rank);
}

export interface MintedKey {
  secret: string;
  prefix: string;
  hash: string;
}

export async function mintApiKey(): Promise<MintedKey> {
  const secret = randomToken(API_KEY_PREFIX);
  return { secret, prefix: secret.slice(0, API_KEY_PREFIX.length + 6), hash: await sha256Hex(secret) };
}

/** Shape check first, so garbage never reaches the database. */
export function looksLikeApiKey(candidate: string): boolean {
  return API_KEY_SHAPE.test(candidate);
}
