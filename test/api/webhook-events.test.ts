import type { IncomingMessage, ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Queue, QueueMessage } from "../../src/adapters/queue/interface";
import { createApp } from "../../src/app";
import { findLostEndpointEvents } from "../../src/db/queries/webhook-endpoints";
import { handleDelivery } from "../../src/deliveries/route";
import { advanceDocument } from "../../src/pipeline/engine";
import type { PhaseMessage } from "../../src/pipeline/messages";
import { sweepLostEndpointEvents } from "../../src/webhooks/sweep";
import { startFileServer, readBody } from "../support/documents";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";
import { createProduct, finishedRunWithParkedCell, openReviews } from "../support/products";

/** `document.completed` and `data_product.updated`: kept once per thing that happened, sent to the endpoints that asked. */
interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}
type Event = { id: string; type: string; data: Record<string, any> };
let t: TestApp;
let receiver: Awaited<ReturnType<typeof startFileServer>>;
const received: Received[] = [];

const hook = async (req: IncomingMessage, res: ServerResponse) => {
  received.push({ path: req.url ?? "", headers: req.headers as Record<string, string>, body: await readBody(req) });
  res.writeHead(204).end();
};

beforeAll(async () => {
  receiver = await startFileServer({ "/a": hook, "/b": hook });
  t = await startTestApp({ env: { FETCH_ALLOW_HOSTS: "127.0.0.1", QUEUE_MAX_RETRIES: "1" } });
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});
beforeEach(async () => {
  for (const e of (await (await t.request("/v1/webhook-endpoints")).json()).items) await t.request(`/v1/webhook-endpoints/${e.id}`, { method: "DELETE" });
  received.length = 0;
});

const register = async (path: string, events: string[]) => {
  const res = await t.request("/v1/webhook-endpoints", { method: "POST", json: { url: `${receiver.base}${path}`, events } });
  expect(res.status).toBe(201);
  return res.json() as Promise<{ id: string; secret: string }>;
};
const verified = (secret: string, path: string) =>
  received.filter((r) => r.path === path).map((r) => ({ id: r.headers["webhook-id"], ...(new Webhook(secret).verify(r.body, r.headers) as Omit<Event, "id">) }));
const listed = async (type: string): Promise<Event[]> => (await (await t.request(`/v1/events?type=${type}&limit=100`)).json()).items;

describe("document.completed", () => {
  it("is sent once per processed document, with its outcome, to the endpoints that asked for it and no other", async () => {
    const docs = await register("/a", ["document.completed"]);
    const runs = await register("/b", ["run.completed"]);
    const documents = [...invoiceDocuments(2), { id: "gone", file_url: `${receiver.base}/missing.pdf` }];
    documents[1] = { id: "doc-1", text: "ACME Ltd\nInvoice No: INV-1\nTotal: 25000.00\n" };
    const { body: run } = await createPipeline(t, { documents });
    await settle(t);

    const events = verified(docs.secret, "/a");
    expect(events.every((e) => e.type === "document.completed")).toBe(true);
    const byExternalId = Object.fromEntries(events.map((e) => [e.data.document.external_id, e]));
    expect(Object.keys(byExternalId).sort()).toEqual(["doc-0", "doc-1", "gone"]);
    expect(byExternalId["doc-0"].data).toMatchObject({
      pipeline: { id: run.id, generation: 1 }, document: { status: "complete", error: null }, needs_review: 0,
      links: { records: expect.stringContaining(`/v1/pipelines/${run.id}/records`) },
    });
    expect(byExternalId["doc-1"].data).toMatchObject({ document: { status: "partial" }, needs_review: 1 });
    expect(byExternalId.gone.data.document).toMatchObject({ status: "error", error: { code: expect.any(String) } });
    // The endpoint that asked only for run.completed got that and nothing else.
    expect(verified(runs.secret, "/b").map((e) => e.type)).toEqual(["run.completed"]);

    // Listed under the ids the endpoint saw as webhook-id.
    const kept = (await listed("document.completed")).filter((e) => e.data.pipeline.id === run.id);
    expect(kept.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("is kept and queued once when the finishing phase's message is delivered again", async () => {
    const endpoint = await register("/a", ["document.completed"]);
    const held: QueueMessage[] = [];
    const queue: Queue = { publish: async (m) => (held.push(m), { messageId: String(held.length) }) };
    const services = { ...t.services, queue };
    const res = await createApp(services).request("/v1/pipelines", {
      method: "POST", headers: { "X-API-Key": t.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ ...invoiceDefinition, documents: invoiceDocuments(1) }),
    });
    const run = await res.json();
    const phaseOf = (m: QueueMessage) => { const { type: _t, ...rest } = m.body as PhaseMessage & { type: string }; return rest; };
    const lastPhase = invoiceDefinition.phases.length - 1;
    let message = phaseOf(held.shift()!);
    for (; message.phase_index < lastPhase; message = phaseOf(held.shift()!)) expect((await advanceDocument(services, message, 0)).effect).toBe("advanced");
    // Two deliveries of the finishing message race: one commits, and only its commit keeps the event.
    const raced = await Promise.all([advanceDocument(services, message, 0), advanceDocument(services, message, 0)]);
    expect(raced.map((o) => o.effect).sort()).toEqual(["advanced", "none"]);
    const deliveries = held.filter((m) => (m.body as { type: string }).type === "endpoint_delivery");
    expect(deliveries.map((m) => m.body)).toEqual([{ type: "endpoint_delivery", event_id: expect.stringMatching(/^evt_/), endpoint_id: endpoint.id }]);

    held.length = 0;
    expect(await advanceDocument(services, message, 0)).toEqual({ effect: "none", reason: "duplicate or late delivery" });
    expect(held).toEqual([]);
    const kept = (await listed("document.completed")).filter((e) => e.data.pipeline.id === run.id);
    expect(kept.map((e) => e.id)).toEqual([(deliveries[0].body as { event_id: string }).event_id]);
  });
});

describe("data_product.updated", () => {
  it("is sent when a decision changes a released row and when a rerun publishes a new generation, once each", async () => {
    const products = await register("/a", ["data_product.updated"]);
    const docs = await register("/b", ["document.completed"]);
    const run = await finishedRunWithParkedCell(t, 2, 1);
    const { body: created } = await createProduct(t, run.id);
    const productId = created.dataProduct.id;
    await settle(t);
    expect(verified(products.secret, "/a")).toEqual([]); // a product made after the finish changed no rows

    const [item] = await openReviews(t, productId);
    const decided = await (await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "override", value: 2500 } })).json();
    await settle(t);
    const [review] = verified(products.secret, "/a");
    expect(review).toMatchObject({
      type: "data_product.updated",
      data: {
        data_product: { id: productId, pipeline_id: run.id }, generation: 1, updated_at: expect.any(String),
        cause: { type: "review_decision", document_id: item.document_id, decision_id: String(decided.id) },
        links: { rows: expect.stringContaining(`/v1/data-products/${productId}/rows`) },
      },
    });

    expect((await t.request(`/v1/pipelines/${run.id}/rerun`, { method: "POST", json: { from_phase: "validation" } })).status).toBe(200);
    await settle(t);
    // The rerun's finishing events are delivered again: the same events, and no second delivery.
    await handleDelivery(t.services, { type: "run_events", pipeline_id: run.id, generation: 2 }, 1);
    await settle(t);
    const told = verified(products.secret, "/a");
    expect(told.map((e) => [e.data.cause.type, e.data.generation])).toEqual([["review_decision", 1], ["run_finished", 2]]);
    const kept = (await listed("data_product.updated")).filter((e) => e.data.data_product.id === productId);
    expect(kept.map((e) => e.id)).toEqual([told[1].id, told[0].id]);
    // The other endpoint asked for document events only: two documents in each generation, a new event each, no product event.
    const documentEvents = verified(docs.secret, "/b");
    expect(documentEvents.map((e) => [e.type, e.data.pipeline.generation])).toEqual([
      ["document.completed", 1], ["document.completed", 1], ["document.completed", 2], ["document.completed", 2],
    ]);
    expect(new Set(documentEvents.map((e) => e.id)).size).toBe(4);
  });
});

describe("lost endpoint events", () => {
  it("are sent once by the sweep when their publish was lost, and only to the endpoints that asked", async () => {
    const docs = await register("/a", ["document.completed"]);
    const other = await register("/b", ["data_product.updated"]);
    const queue = t.services.queue;
    // Drop every endpoint delivery at publish, as a crash between the commit that kept the event and the publish would.
    const dropped: QueueMessage[] = [];
    t.services.queue = { publish: async (m) => ((m.body as { type: string }).type === "endpoint_delivery" ? (dropped.push(m), { messageId: "lost" }) : queue.publish(m)) };
    const { body: run } = await createPipeline(t, { documents: invoiceDocuments(2) }).finally(() => settle(t));
    t.services.queue = queue;
    expect(dropped.length).toBeGreaterThanOrEqual(2);
    expect(received).toEqual([]);
    const kept = (await listed("document.completed")).filter((e) => e.data.pipeline.id === run.id);
    expect(kept).toHaveLength(2);
    const lost = async () => (await findLostEndpointEvents(t.db, { olderThanSeconds: 0, lookbackSeconds: 3600, limit: 500 }))
      .filter((r) => r.endpoint_id === docs.id || r.endpoint_id === other.id).map((r) => r.event_id);
    expect((await lost()).sort()).toEqual(kept.map((e) => e.id).sort());

    expect((await sweepLostEndpointEvents(t.services, 0)).republished).toBeGreaterThanOrEqual(2);
    await settle(t);
    const sent = verified(docs.secret, "/a");
    expect(sent.map((e) => e.id).sort()).toEqual(kept.map((e) => e.id).sort());
    expect(sent.every((e) => e.type === "document.completed")).toBe(true);

    // Every event now has its attempt: a second sweep finds nothing of this run and sends nothing.
    expect(await lost()).toEqual([]);
    await sweepLostEndpointEvents(t.services, 0);
    await settle(t);
    expect(verified(docs.secret, "/a")).toHaveLength(2);
    expect(received.filter((r) => r.path === "/b")).toEqual([]);
    const attempts = await (await t.request(`/v1/webhook-endpoints/${other.id}/deliveries`)).json();
    expect(attempts.items).toEqual([]);
  });
});
