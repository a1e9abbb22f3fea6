/**
 * Signs deliveries exactly as QStash does, so one verifier (`@upstash/qstash`'s Receiver)
 * accepts both the real service and the embedded queue. Web Crypto only: runs on any runtime.
 */

const encoder = new TextEncoder();

/** QStash's own tokens live for 5 minutes. */
const DEFAULT_TTL_SECONDS = 300;

export interface SignDeliveryInput {
  signingKey: string;
  rawBody: string;
  /** The destination; becomes the `sub` claim. */
  url: string;
  now?: Date;
  ttlSeconds?: number;
}

/** An HS256 JWT with QStash's claims: iss, sub, iat, nbf, exp, jti and body = base64url(sha256(rawBody)). */
export async function signDelivery(input: SignDeliveryInput): Promise<string> {
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const bodyHash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(input.rawBody)));
  const header = { alg: "HS256", typ: "JWT" };
  const claims = {
    iss: "Upstash",
    sub: input.url,
    exp: issuedAt + (input.ttlSeconds ?? DEFAULT_TTL_SECONDS),
    nbf: issuedAt,
    iat: issuedAt,
    jti: `jwt_${randomBase64url(16)}`,
    // QStash sends the body hash padded ("…=") while JWT segments are unpadded; the Receiver strips padding before comparing.
    body: base64url(bodyHash, true),
  };
  const signingInput = `${base64url(encoder.encode(JSON.stringify(header)))}.${base64url(encoder.encode(JSON.stringify(claims)))}`;
  // The key is the UTF-8 bytes of the key string, as the Receiver (jose) uses it; it is not base64-decoded.
  const key = await crypto.subtle.importKey("raw", encoder.encode(input.signingKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(signingInput)));
  return `${signingInput}.${base64url(signature)}`;
}

/** A fresh signing key with 256 bits of randomness. */
export function generateSigningKey(): string {
  return `sig_${randomBase64url(32)}`;
}

export function randomBase64url(byteLength: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

function base64url(bytes: Uint8Array, padded = false): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const encoded = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_");
  return padded ? encoded : encoded.replace(/=+$/, "");
}
