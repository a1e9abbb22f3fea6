import type { HostResolver } from "./interface";

const NOERROR = 0;
const NXDOMAIN = 3;

/**
 * DNS over HTTPS (the JSON API of RFC 8484 resolvers) for runtimes without a resolver API, such as
 * Workers. Both A and AAAA are asked, so an IPv6-only private address is caught too; a name that
 * does not exist resolves to nothing, a failing resolver throws (the phase retries).
 */
export function createDohResolver(endpoint = "https://cloudflare-dns.com/dns-query", timeoutMs = 3000): HostResolver {
  const ask = async (name: string, type: "A" | "AAAA") => {
    const res = await fetch(`${endpoint}?name=${encodeURIComponent(name)}&type=${type}`, {
      headers: { accept: "application/dns-json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`DNS lookup of ${name} failed with ${res.status}`);
    const body = (await res.json()) as { Status?: number; Answer?: Array<{ type: number; data: string }> };
    if (body.Status === NXDOMAIN) return [];
    if (body.Status !== NOERROR) throw new Error(`DNS lookup of ${name} failed (status ${body.Status})`);
    return (body.Answer ?? []).filter((a) => a.type === 1 || a.type === 28).map((a) => a.data);
  };
  return {
    resolve: async (hostname) => (await Promise.all([ask(hostname, "A"), ask(hostname, "AAAA")])).flat(),
  };
}
