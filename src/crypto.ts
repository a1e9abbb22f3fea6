/** Web Crypto helpers shared by keys, tokens and signatures; no runtime-specific APIs. */

export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", typeof input === "string" ? new TextEncoder().encode(input) : (input as Uint8Array<ArrayBuffer>));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** An opaque secret: a readable prefix plus `bytes` of CSPRNG output (32 bytes = 256 bits). */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}${base64url(crypto.getRandomValues(new Uint8Array(bytes)))}`;
}
