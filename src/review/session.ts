import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { hasScope, looksLikeApiKey } from "../api-keys";
import { base64url, randomToken, sha256Hex } from "../crypto";
import { findActiveKey } from "../db/queries/api-keys";
import { findLiveSession, insertReviewSession, revokeReviewSession } from "../db/queries/review-sessions";
import type { AppEnv, ReviewSession } from "../http/env";

export const SESSION_COOKIE = "sluice_review";
const SESSION_SECONDS = 8 * 60 * 60;

export type { ReviewSession };

/**
 * Browsers keep Secure cookies off plain HTTP, except on localhost where development happens. Decided
 * by the configured PUBLIC_URL, never by the request's Host header (which the client chooses).
 */
const onLocalhost = (c: Context<AppEnv>) =>
  ["localhost", "127.0.0.1", "[::1]"].includes(new URL(c.get("services").config.publicUrl).hostname);

async function hmac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message))));
}

export const csrfTokenFor = (secret: string, sessionId: string) => hmac(secret, `csrf:${sessionId}`);

/** Constant-time comparison of two strings of public length. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type SignIn = { ok: true } | { ok: false; message: string };

/** Exchanges an API key with `write` scope for a session cookie; the key itself is never stored client-side. */
export async function signIn(c: Context<AppEnv>, key: string): Promise<SignIn> {
  const { db, config, clock } = c.get("services");
  const found = looksLikeApiKey(key) ? await findActiveKey(db, await sha256Hex(key)) : undefined;
  if (!found) return { ok: false, message: "That key is not valid or was revoked." };
  if (!hasScope(found.scopes, "write")) return { ok: false, message: "That key lacks the write scope reviewers need." };
  const token = randomToken("", 32);
  const expiresAt = new Date(clock.now().getTime() + SESSION_SECONDS * 1000);
  await insertReviewSession(db, { organizationId: found.organizationId, apiKeyId: found.id, tokenHash: await sha256Hex(token), expiresAt });
  await setSignedCookie(c, SESSION_COOKIE, token, config.sessionSecret, {
    path: "/review", httpOnly: true, secure: !onLocalhost(c), sameSite: "Strict", maxAge: SESSION_SECONDS, expires: expiresAt,
  });
  return { ok: true };
}

/** The signed-in reviewer, or nothing: a forged, expired, signed-out or key-revoked cookie all read as none. */
export async function currentSession(c: Context<AppEnv>): Promise<ReviewSession | undefined> {
  const { db, config } = c.get("services");
  const token = await getSignedCookie(c, config.sessionSecret, SESSION_COOKIE);
  if (!token) return undefined;
  const found = await findLiveSession(db, await sha256Hex(token));
  if (!found || !hasScope(found.scopes, "write")) return undefined;
  return {
    id: found.id,
    caller: { organizationId: found.organization_id, keyId: found.api_key_id, scopes: found.scopes },
    keyLabel: `${found.key_name} (${found.key_prefix}…)`,
    csrfToken: await csrfTokenFor(config.sessionSecret, found.id),
  };
}

export async function signOut(c: Context<AppEnv>, session: ReviewSession) {
  await revokeReviewSession(c.get("services").db, session.id);
  deleteCookie(c, SESSION_COOKIE, { path: "/review", secure: !onLocalhost(c) });
}
