import type { HostResolver } from "../adapters/dns/interface";
import type { Fetcher } from "../adapters/fetch/interface";
import { PermanentPhaseError } from "./model";
import { isBlockedAddress, isIpLiteral } from "./address";

export interface FetchPolicy {
  fetcher: Fetcher;
  resolver: HostResolver;
  /** Hosts (names or addresses) exempt from the private-address rule, e.g. 127.0.0.1 in tests. */
  allowHosts: ReadonlySet<string>;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const refuse = (message: string) => new PermanentPhaseError("url_refused", message);
const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, "");
/** Names the setting that would let the fetch through, so a refusal says what to change. */
const allowedBy = (host: string) => ` (to allow it, add ${host} to the FETCH_ALLOW_HOSTS setting)`;

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
  const host = bare(url.hostname);
  if (allowHosts.has(host)) return null;
  if (isIpLiteral(host) && isBlockedAddress(host)) return `points at a private or reserved address${allowedBy(host)}`;
  if (/^localhost$|\.localhost$|\.internal$|\.local$/i.test(host)) return `points at a local host name${allowedBy(host)}`;
  return null;
}

/** Whether a connection may go to `address` (resolved from `hostname`): the rule the Node fetcher applies at connect time. */
export const permitsAddress = (allowHosts: ReadonlySet<string>) => (address: string, hostname: string) =>
  allowHosts.has(bare(hostname)) || allowHosts.has(address) || !isBlockedAddress(address);

/** Refuses a destination that is, or resolves to, a private or reserved address (unless allowed). */
export async function checkDestination(url: URL, policy: Pick<FetchPolicy, "resolver" | "allowHosts">) {
  const problem = urlProblem(url.href, policy.allowHosts);
  if (problem) throw refuse(`${url.origin} ${problem}`);
  const host = bare(url.hostname);
  if (policy.allowHosts.has(host) || isIpLiteral(host)) return;
  const addresses = await policy.resolver.resolve(host);
  if (addresses.length === 0) throw refuse(`${host} does not resolve`);
  if (!addresses.every((address) => permitsAddress(policy.allowHosts)(address, host))) {
    throw refuse(`${host} resolves to a private or reserved address${allowedBy(host)}`);
  }
}

export interface FetchedDocument {
  bytes: Uint8Array;
  contentType: string | null;
  /** Where the bytes came from after redirects. */
  url: string;
}

/**
 * Fetches a document by URL without letting a caller reach our own network: every hop (the URL
 * and each redirect) is checked before it is requested, redirects are capped, and the time and
 * byte limits hold while streaming, so a huge, endless or trickling body is cut off.
 */
export async function fetchDocument(raw: string, policy: FetchPolicy): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const timedOut = (url: URL, error: unknown) =>
    signal.aborted ? new Error(`${url.origin} did not deliver the document within ${policy.timeoutMs} ms`) : error;
  let url = new URL(raw);
  for (let hop = 0; ; hop++) {
    await checkDestination(url, policy);
    let res: Response;
    try {
      res = await policy.fetcher(url, { signal, headers: { "user-agent": "Sluice/1 (+document fetch)" } });
    } catch (error) {
      if ((error as { code?: string }).code === "EADDRNOTALLOWED") throw refuse((error as Error).message);
      throw timedOut(url, new Error(`fetching ${url.origin} failed: ${(error as Error).message}`));
    }
    const location = res.headers.get("location");
    if (REDIRECTS.has(res.status) && location) {
      await res.body?.cancel();
      if (hop >= policy.maxRedirects) throw refuse(`more than ${policy.maxRedirects} redirects`);
      url = new URL(location, url);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      // Only the origin is reported: paths of signed URLs carry secrets.
      const message = `${url.origin} answered ${res.status}`;
      throw res.status >= 500 || res.status === 408 || res.status === 429 ? new Error(message) : new PermanentPhaseError("url_status", message);
    }
    const declared = Number(res.headers.get("content-length") ?? "0");
    if (declared > policy.maxBytes) {
      await res.body?.cancel();
      throw tooLarge(policy.maxBytes);
    }
    const bytes = res.body ? await readLimited(res.body, policy.maxBytes).catch((error) => Promise.reject(timedOut(url, error))) : new Uint8Array();
    return { bytes, contentType: res.headers.get("content-type"), url: url.href };
  }
}

const tooLarge = (maxBytes: number) => new PermanentPhaseError("file_too_large", `the document exceeds the limit of ${maxBytes} bytes`);

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
      throw tooLarge(maxBytes);
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
