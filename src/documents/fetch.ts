import type { HostResolver } from "../adapters/dns/interface";
import { PermanentPhaseError } from "../pipeline/types";
import { isBlockedAddress, isIpLiteral } from "./address";

export interface FetchPolicy {
  resolver: HostResolver;
  /** Hosts (names or addresses) exempt from the private-address rule, e.g. 127.0.0.1 in tests. */
  allowHosts: ReadonlySet<string>;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

const refuse = (message: string) => new PermanentPhaseError("url_refused", message);

/** The checks that need no network: scheme, credentials, and literal addresses. */
export function urlProblem(raw: string, allowHosts: ReadonlySet<string>): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a valid URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must use http or https";
  if (url.username || url.password) return "must not carry credentials";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowHosts.has(host) && isIpLiteral(host) && isBlockedAddress(host)) return "points at a private or reserved address";
  if (!allowHosts.has(host) && /^localhost$|\.localhost$|\.internal$|\.local$/i.test(host)) return "points at a local host name";
  return null;
}

/** Refuses a destination that is, or resolves to, a private or reserved address (unless allowed). */
export async function checkDestination(url: URL, policy: Pick<FetchPolicy, "resolver" | "allowHosts">) {
  const problem = urlProblem(url.href, policy.allowHosts);
  if (problem) throw refuse(`${url.origin} ${problem}`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (policy.allowHosts.has(host) || isIpLiteral(host)) return;
  const addresses = await policy.resolver.resolve(host);
  if (addresses.length === 0) throw refuse(`${host} does not resolve`);
  if (addresses.some(isBlockedAddress)) throw refuse(`${host} resolves to a private or reserved address`);
}

/**
 * Fetches a document by URL without letting a caller reach our own network: every hop (the URL
 * and each redirect) is checked before it is requested, redirects are capped, and the byte limit
 * is enforced while streaming so a huge or endless body is cut off early.
 */
export async function fetchDocument(raw: string, policy: FetchPolicy): Promise<{ bytes: Uint8Array; contentType: string | null; url: string }> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  let url = new URL(raw);
  for (let hop = 0; ; hop++) {
    await checkDestination(url, policy);
    let res: Response;
    try {
      res = await fetch(url, { redirect: "manual", signal, headers: { "user-agent": "Sluice/1 (+document fetch)" } });
    } catch (error) {
      throw new Error(`fetching ${url.origin} failed: ${(error as Error).message}`);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
      await res.body?.cancel();
      if (hop >= policy.maxRedirects) throw refuse(`more than ${policy.maxRedirects} redirects`);
      url = new URL(res.headers.get("location")!, url);
      continue;
    }
    if (res.status >= 400 && res.status < 500) throw new PermanentPhaseError("url_status", `${url.origin} answered ${res.status}`);
    if (!res.ok || !res.body) throw new Error(`${url.origin} answered ${res.status}`);
    const declared = Number(res.headers.get("content-length") ?? "0");
    if (declared > policy.maxBytes) {
      await res.body.cancel();
      throw new PermanentPhaseError("file_too_large", `the document is ${declared} bytes; the limit is ${policy.maxBytes}`);
    }
    return { bytes: await readLimited(res.body, policy.maxBytes), contentType: res.headers.get("content-type"), url: url.href };
  }
}

async function readLimited(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PermanentPhaseError("file_too_large", `the document exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
