import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { Readable } from "node:stream";
import type { HostResolver } from "../dns/interface";
import type { Fetcher } from "./interface";

const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * Resolves through `resolver` and hands the socket only addresses `permits` accepts: the address
 * checked is the address connected to, which closes the DNS-rebinding window a check-then-fetch
 * leaves open.
 */
function pinnedLookup(resolver: HostResolver, permits: (address: string, hostname: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolver.resolve(hostname).then(
      (all) => {
        const family = (a: string) => (a.includes(":") ? 6 : 4);
        const addresses = all.filter((a) => !options.family || family(a) === options.family);
        const refused = all.find((a) => !permits(a, hostname));
        const error = refused
          ? Object.assign(new Error(`${hostname} resolves to a private or reserved address (to allow it, add ${hostname} to the FETCH_ALLOW_HOSTS setting)`), { code: "EADDRNOTALLOWED" })
          : addresses.length === 0 ? Object.assign(new Error(`${hostname} does not resolve`), { code: "ENOTFOUND" }) : null;
        if (error) return callback(error, "", 0);
        if (options.all) return callback(null, addresses.map((address) => ({ address, family: family(address) })));
        callback(null, addresses[0], family(addresses[0]));
      },
      (error: Error) => callback(error, "", 0),
    );
  };
}

function requestBody(body: RequestInit["body"]): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  throw new TypeError("the Node fetcher sends string or byte bodies only");
}

/**
 * Node's HTTP client behind the `Fetcher` shape, with connect-time address checks (Node's global
 * fetch offers no lookup hook without the undici package). Redirects are returned, not followed.
 */
export function createNodeFetcher(resolver: HostResolver, permits: (address: string, hostname: string) => boolean): Fetcher {
  const lookup = pinnedLookup(resolver, permits);
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const send = url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : null;
      if (!send) return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      const body = requestBody(init.body);
      const req = send(url, { method: init.method ?? "GET", headers: Object.fromEntries(new Headers(init.headers)), lookup, signal: init.signal }, (res) => {
        const headers = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const status = res.statusCode ?? 502;
        const empty = NO_BODY.has(status) || init.method === "HEAD";
        if (empty) res.resume();
        const stream = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(stream, { status, statusText: res.statusMessage, headers }));
      });
      req.on("error", reject);
      req.end(body);
    });
}
