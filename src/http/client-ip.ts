import type { Context } from "hono";

/** Workers: Cloudflare sets `cf-connecting-ip` itself and a client cannot forge it past the edge. */
export const workerClientIp = (c: Context) => c.req.header("cf-connecting-ip");

const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

/**
 * Node: the socket's address. Only when the socket is a proxy named in TRUST_PROXY do its headers
 * count: `cf-connecting-ip`, else the right-most X-Forwarded-For hop that is not itself trusted
 * (hops further left were written by the client and prove nothing).
 */
export function nodeClientIp(trustedProxies: ReadonlySet<string>) {
  return (c: Context): string | undefined => {
    const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
    if (!socket || !trustedProxies.has(plain(socket))) return socket && plain(socket);
    const cloudflare = c.req.header("cf-connecting-ip")?.trim();
    if (cloudflare) return cloudflare;
    const hops = (c.req.header("x-forwarded-for") ?? "").split(",").map((hop) => plain(hop.trim())).filter(Boolean);
    return hops.reverse().find((hop) => !trustedProxies.has(hop)) ?? plain(socket);
  };
}
