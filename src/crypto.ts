/** Web Crypto helpers shared by keys, tokens and signatures; no runtime-specific APIs. */

export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", typeof input === "string" ? new TextEncoder().encode(input) : (input as Uint8Array<ArrayBuffer>));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Standard base64, built in chunks so a large upload does not overflow the argument list. */
/** Node's Buffer where the runtime has it (not on a Worker without nodejs_compat). */
export const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

export function base64(bytes: Uint8Array): string {
  // Node's Buffer is native and ~20× faster than btoa over a built string: a 10 MiB upload is not a long task.
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Whether `text` is standard base64 (padded to a multiple of four). One search for a character
 * outside the alphabet: no quantifier, so nothing to backtrack (a `^[…]*$` regex over a 13 MB upload
 * overflows the regexp stack, as valibot's `base64` did), and native, so ~5× a loop over char codes.
 */
export function isBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return !/[^A-Za-z0-9+/]/.test(padding ? text.slice(0, -padding) : text);
}

export const base64url = (bytes: Uint8Array): string => base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** An opaque secret: a readable prefix plus `bytes` of CSPRNG output (32 bytes = 256 bits). */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}${base64url(crypto.getRandomValues(new Uint8Array(bytes)))}`;
}
