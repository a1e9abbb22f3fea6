import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { DELIVERY_HEADERS } from "../../src/adapters/queue/interface";
import { signDelivery } from "../../src/adapters/queue/signature";
import { readBody } from "./documents";

type Deliver = (request: Request) => Promise<Response>;

/**
 * A stand-in for QStash on this machine: takes `POST /v2/publish/<url>` as the SDK sends it, then
 * delivers the body to that URL signed as QStash signs, redelivering non-2xx answers with `Upstash-Retried`
 * one higher and dropping a repeated deduplication id. `route` says which in-process app answers a URL.
 */
export async function startFakeQstash(options: { signingKey: string; route: (url: string) => Deliver; maxRetries?: number }) {
  const delivered: Array<{ url: string; body: string; status: number }> = [];
  const seen = new Set<string>();
  const pending = new Set<Promise<void>>();
  let ids = 0;
  const deliver = async (url: string, body: string) => {
    for (let retried = 0; retried <= (options.maxRetries ?? 3); retried++) {
      const signature = await signDelivery({ signingKey: options.signingKey, rawBody: body, url });
      const headers = { [DELIVERY_HEADERS.signature]: signature, [DELIVERY_HEADERS.retried]: String(retried), "content-type": "application/json" };
      const res = await options.route(url)(new Request(url, { method: "POST", body, headers }));
      delivered.push({ url, body, status: res.status });
      await res.body?.cancel();
      if (res.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = decodeURIComponent(req.url!.replace(/^\/v2\/publish\//, ""));
    const dedup = req.headers["upstash-deduplication-id"] as string | undefined;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ messageId: `msg_${++ids}` }));
    if (dedup && seen.has(dedup)) return;
    if (dedup) seen.add(dedup);
    const job = deliver(url, body).catch(() => undefined).finally(() => pending.delete(job));
    pending.add(job);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    delivered,
    close: async () => {
      await Promise.all(pending);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

