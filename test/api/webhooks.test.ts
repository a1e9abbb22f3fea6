import type { IncomingMessage } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queue } from "../../src/adapters/queue/interface";
import { createApp } from "../../src/app";
import { findLostWebhooks } from "../../src/db/queries/webhooks";
import { sweepLostWebhooks } from "../../src/webhooks/sweep";
import { startFileServer, readBody } from "../support/documents";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";
import { createProduct, finishedRunWithParkedCell, openReviews } from "../support/products";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

let t: TestApp;
let receiver: Awaited<ReturnType<typeof startFileServer>>;
const received: Received[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  const hook = (status: () => number) => async (req: IncomingMessage, res: import("node:http").ServerResponse) => {
    received.push({ path: req.url ?? "", headers: req.headers as Record<string, string>, body: await readBody(req) });
    res.writeHead(status()).end();
  };
  receiver = await startFileServer({
    "/hook": hook(() => 204),
    "/flaky": hook(() => (failuresLeft-- > 0 ? 500 : 200)),
    "/down": hook(() => 503),
  });
  t = await startTestApp({ env: { FETCH_ALLOW_HOSTS: "127.0.0.1", QUEUE_MAX_RETRIES: "2" } });
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const secret = async () => (await (await t.request("/v1/webhook-secret")).json()).secret as string;
const deliveries = async (id: string) => (await (await t.request(`/v1/pipelines/${id}/webhook-deliveries`)).json()).items as Array<{ attempt: number; outcome: string; status_code: number | null }>;

describe("completion webhooks", () => {
  it("POSTs one signed summary when the run finishes, verifiable with a Standard Webhooks library", async () => {
    received.length = 0;
    const { body: run } = await createPipeline(t, { documents: invoiceDocuments(3), webhook_url: `${receiver.base}/hook` });
    expect(run.webhook_url).toBe(`${receiver.base}/hook`);
    await settle(t);
    expect(received).toHaveLength(1);
    const [hit] = received;
    const payload = new Webhook(await secret()).verify(hit.body, hit.headers) as { type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: "pipeline.finished", data: { id: run.id, status: "completed", counts: { total: 3, complete: 3 } } });
    expect(hit.headers["webhook-id"]).toBe(`msg_${run.id}_1`);
    expect(() => new Webhook(`whsec_${btoa("a".repeat(32))}`).verify(hit.body, hit.headers)).toThrow();
    expect(await deliveries(run.id)).toEqual([expect.objectContaining({ attempt: 0, outcome: "delivered", status_code: 204 })]);

    // A rerun is a new generation: it finishes again and is announced again, under a new id.
    expect((await t.request(`/v1/pipelines/${run.id}/rerun`, { method: "POST", json: { from_phase: "validation" } })).status).toBe(200);
    await settle(t);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([`msg_${run.id}_1`, `msg_${run.id}_2`]);
    expect(new Webhook(await secret()).verify(received[1].body, received[1].headers)).toMatchObject({ data: { id: run.id, generation: 2, status: "completed" } });
  });

  it("retries a failing receiver and records every attempt; gives up after the retries", async () => {
    received.length = 0;
    failuresLeft = 1;
    const { body: flaky } = await createPipeline(t, { documents: invoiceDocuments(1), webhook_url: `${receiver.base}/flaky` });
    const { body: down } = await createPipeline(t, { documents: invoiceDocuments(1), webhook_url: `${receiver.base}/down` });
    await settle(t);
    expect((await deliveries(flaky.id)).map((d) => [d.attempt, d.outcome])).toEqual([[0, "retrying"], [1, "delivered"]]);
    expect((await deliveries(down.id)).map((d) => [d.attempt, d.outcome, d.status_code])).toEqual([[0, "retrying", 503], [1, "retrying", 503], [2, "failed", 503]]);
    const ids = new Set(received.filter((r) => r.path === "/flaky").map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1); // redeliveries keep their id, so a receiver can drop duplicates
  });

  it("rotates the secret: later webhooks verify with the new one only", async () => {
    const before = await secret();
    const rotated = await (await t.request("/v1/webhook-secret/rotate", { method: "POST" })).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(before);
    received.length = 0;
    await createPipeline(t, { documents: invoiceDocuments(1), webhook_url: `${receiver.base}/hook` });
    await settle(t);
    const [hit] = received;
    expect(() => new Webhook(rotated.secret).verify(hit.body, hit.headers)).not.toThrow();
    expect(() => new Webhook(before).verify(hit.body, hit.headers)).toThrow();
    expect((await t.request("/v1/webhook-secret", { key: await t.createKey(["write"]) })).status).toBe(403);
  });

  it("announces a run that a cancel finishes, once", async () => {
    // Created through a queue that holds the first phase, so the cancel is what finishes the run.
    const holding: Queue = { publish: async () => ({ messageId: "held" }) };
    const res = await createApp({ ...t.services, queue: holding }).request("/v1/pipelines", {
      method: "POST", headers: { "X-API-Key": t.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ ...invoiceDefinition, documents: invoiceDocuments(2), webhook_url: `${receiver.base}/hook` }),
    });
    const run = await res.json();
    received.length = 0;
    expect(await (await t.request(`/v1/pipelines/${run.id}/cancel`, { method: "POST" })).json()).toMatchObject({ status: "cancelled", cancelled_documents: 2 });
    await settle(t);
    expect(received).toHaveLength(1);
    const payload = new Webhook(await secret()).verify(received[0].body, received[0].headers);
    expect(payload).toMatchObject({ data: { id: run.id, status: "cancelled", counts: { total: 2, cancelled: 2 } } });
  });

  it("re-sends a webhook whose message was lost, once, when the sweep runs", async () => {
    const queue = t.services.queue;
    // Lose every webhook message at publish, as a crash between the finishing commit and the publish would.
    t.services.queue = { publish: (m) => ((m.body as { type: string }).type === "webhook" ? Promise.reject(new Error("lost")) : queue.publish(m)) };
    const { body: run } = await createPipeline(t, { documents: invoiceDocuments(1), webhook_url: `${receiver.base}/hook` }).finally(() => settle(t));
    t.services.queue = queue;
    const hits = () => received.filter((r) => r.headers["webhook-id"] === `msg_${run.id}_1`);
    expect(hits()).toHaveLength(0);
    expect(await deliveries(run.id)).toEqual([]);

    const lost = async () => (await findLostWebhooks(t.db, { olderThanSeconds: 0, lookbackSeconds: 3600, limit: 500 })).map((r) => r.id);
    expect(await lost()).toContain(run.id);

    expect((await sweepLostWebhooks(t.services, 0)).republished).toBeGreaterThanOrEqual(1);
    await settle(t);
    expect(hits()).toHaveLength(1);
    expect(await deliveries(run.id)).toEqual([expect.objectContaining({ outcome: "delivered" })]);
    expect(await lost()).not.toContain(run.id);
  });

  it("400s a webhook_url that is not http(s), carries credentials or points at a private address", async () => {
    for (const url of ["ftp://example.com/x", "http://u:p@example.com/x", "http://10.0.0.1/hook", "not a url"]) {
      const { res, body } = await createPipeline(t, { documents: invoiceDocuments(1), webhook_url: url });
      expect(res.status, url).toBe(400);
      expect(body.error.details[0].path).toBe("webhook_url");
    }
  });

  it("tells review.needed when a run finishes with parked cells, and document.reviewed when its last item is decided", async () => {
    received.length = 0;
    const run = await finishedRunWithParkedCell(t, 3, 1, { webhook_url: `${receiver.base}/hook` });
    const events = () => received.map((r) => new Webhook(whsec).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> });
    const whsec = await secret();
    expect(events().map((e) => e.type).sort()).toEqual(["pipeline.finished", "review.needed"]);
    const needed = events().find((e) => e.type === "review.needed")!;
    expect(needed.data).toMatchObject({ pipeline: { id: run.id, generation: 1 }, parked: { cells: 1, documents: 1 }, data_product_id: null });
    expect(received.find((r) => r.body.includes("review.needed"))!.headers["webhook-id"]).toBe(`msg_review_needed_${run.id}_1`);

    const { body: product } = await createProduct(t, run.id);
    const [item] = await openReviews(t, product.dataProduct.id);
    received.length = 0;
    const decided = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve" } });
    expect(decided.status).toBe(201);
    await settle(t);
    const [reviewed] = events();
    expect(reviewed).toMatchObject({ type: "document.reviewed", data: { pipeline: { id: run.id }, document: { id: item.document_id, external_id: "doc-1", status: "complete" }, decisions: 1 } });
    expect(received[0].headers["webhook-id"]).toBe(`msg_document_reviewed_${item.document_id}_${(await decided.json()).id}`);
    expect((await deliveries(run.id)).map((d) => (d as unknown as { event: string }).event).sort())
      .toEqual(["document.reviewed", "pipeline.finished", "review.needed"]);
  });

  it("tells no review.needed when nothing is parked", async () => {
    received.length = 0;
    await createPipeline(t, { documents: invoiceDocuments(2), webhook_url: `${receiver.base}/hook` });
    await settle(t);
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual(["pipeline.finished"]);
  });
});
