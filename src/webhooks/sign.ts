import { base64 } from "../crypto";

/**
 * Standard Webhooks signatures: `v1,` + base64(HMAC-SHA256(secret, "<id>.<timestamp>.<body>")),
 * where the secret is the base64 after `whsec_`. WebCrypto only, so it runs on every runtime.
 */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${base64(bytes)}`;
}

export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`)));
  return `v1,${base64(mac)}`;
}

