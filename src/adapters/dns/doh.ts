import type { HostResolver } from "./interface";

/**
 * DNS over HTTPS (RFC 8484 JSON API) for runtimes without a resolver API, such as Workers.
 * Both A and AAAA are asked, so an IPv6-only private address is caught too.
 */
export function createDohResolver(endpoint = "https://cloudflare-dns.com/dns-query"): HostResolver {
  const ask = async (name: string, type: "A" | "AAAA") => {
    const res = await fetch(`${endpoint}?name=${encodeURIComponent(name)}&type=${type}`, { headers: { accept: "application/dns-json" } });
    if (!res.ok) throw new Error(`DNS lookup failed with ${res.status}`);
    const body = (await res.json()) as { Answer?: Array<{ type: number; data: string }> };
    return (body.Answer ?? []).filter((a) => a.type === 1 || a.type === 28).map((a) => a.data);
  };
  return {
    resolve: async (hostname) => (await Promise.all([ask(hostname, "A"), ask(hostname, "AAAA")])).flat(),
  };
}
