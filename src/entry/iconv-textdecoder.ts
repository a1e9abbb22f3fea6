/**
 * iconv-lite as the Worker sees it (wrangler.toml [alias]): msgreader only decodes the ANSI strings of
 * old Outlook messages with it, which TextDecoder does without Node's Buffer.
 */
export function decode(bytes: Uint8Array, encoding: string): string {
  try {
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

export function encode(): never {
  throw new Error("encoding is not needed to read messages");
}

export default { decode, encode };
