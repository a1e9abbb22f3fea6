import { sha256Hex } from "../crypto";
import type { Caller } from "./env";

/**
 * What a presented API key resolved to, kept per isolate for a few seconds: hashing the key
 * (WebCrypto's SHA-256) and looking it up were most of a read's cost. A revocation through this
 * isolate forgets the key at once; one made elsewhere (another process or isolate) takes effect
 * within the TTL. Only live keys are kept, so guessed keys neither fill it nor skip the check.
 */
const TTL_MS = 5_000;
const MAX_KEYS = 10_000;

interface Entry {
  hash: string;
  caller?: Caller;
  expiresAt: number;
}

// One cache per database, so apps on different databases (tests, scripts) never share an answer.
const caches = new WeakMap<object, Map<string, Entry>>();

function cacheOf(db: object) {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

/** The key's hash, and who it belongs to when it was found live within the TTL. */
export async function cachedKey(db: object, key: string): Promise<Entry> {
  const cache = cacheOf(db);
  const entry = cache.get(key);
  if (entry && entry.expiresAt > Date.now()) return entry;
  if (entry) cache.delete(key);
  return { hash: await sha256Hex(key), expiresAt: 0 };
}

export function rememberKey(db: object, key: string, hash: string, caller: Caller) {
  const cache = cacheOf(db);
  if (cache.size >= MAX_KEYS) cache.clear();
  cache.set(key, { hash, caller, expiresAt: Date.now() + TTL_MS });
}

/** Called on revocation: the key stops working in this isolate at once. */
export function forgetKey(db: object, keyId: string) {
  const cache = cacheOf(db);
  for (const [key, entry] of cache) if (entry.caller?.keyId === keyId) cache.delete(key);
}
