import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queue, QueueMessage } from "../../src/adapters/queue/interface";
import { signDelivery } from "../../src/adapters/queue/signature";
import { createApp } from "../../src/app";
import { consumeDelivery } from "../../src/deliveries/route";
import { advanceDocument } from "../../src/pipeline/engine";
import type { PhaseMessage } from "../../src/pipeline/messages";
import { sweepStaleDocuments } from "../../src/pipeline/sweep";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { QUEUE_MAX_RETRIES: "2", QSTASH_CURRENT_SIGNING_KEY: "sig_current_test_key", QSTASH_NEXT_SIGNING_KEY: "sig_next_test_key" } });
});
afterAll(() => t.close());

/** A queue that keeps messages instead of delivering them, so a test decides what arrives when. */
function holdingQueue() {
  const held: QueueMessage[] = [];
  const queue: Queue = { publish: async (m) => (held.push(m), { messageId: String(held.length) }) };
  return { queue, held, take: () => held.splice(0).map(({ body }) => { const { type: _t, ...m } = body as PhaseMessage & { type: string }; return m; }) };
}

async function createHeld(documents = invoiceDocuments(3)) {
  const holding = holdingQueue();
  const services = { ...t.services, queue: holding.queue };
  const app = createApp(services);
  const res = await app.request("/v1/pipelines", {
    method: "POST", headers: { "X-API-Key": t.adminKey, "content-type": "application/json" },
    body: JSON.stringify({ ...invoiceDefinition, documents }),
  });
  expect(res.status).toBe(202);
  return { pipeline: await res.json(), services, holding };
}

const stepsOf = (pipelineId: string) => t.db.selectFrom("steps").selectAll().where("pipeline_id", "=", pipelineId).orderBy("id").execute();

describe("exactly-once effects over at-least-once delivery", () => {
  it("acknowledges a duplicate delivery without effect", async () => {
    const { pipeline, services, holding } = await createHeld(invoiceDocuments(1));
    const [first] = holding.take();
    expect((await advanceDocument(services, first, 0)).effect).toBe("advanced");
    expect((await advanceDocument(services, first, 0))).toEqual({ effect: "none", reason: "duplicate or late delivery" });
    expect(await stepsOf(pipeline.id)).toHaveLength(1);
    expect(holding.held).toHaveLength(1); // only one next message, with its dedup id
    expect(holding.held[0].deduplicationId).toBe(`${first.document_id}-1-1`);
  });

  it("advances a document by one phase in at most two Postgres round trips: one read, one write", async () => {
    const { holding, services } = await createHeld(invoiceDocuments(1));
    const perPhase: number[] = [];
    for (let phase = 0; phase < invoiceDefinition.phases.length; phase++) {
      const [message] = holding.take();
      const before = t.roundTrips();
      expect((await advanceDocument(services, message, 0)).effect).toBe("advanced");
      perPhase.push(t.roundTrips() - before);
    }
    expect(perPhase).toEqual([2, 2, 2, 2]);
  });

  it("in process, takes a message as the delivery endpoint would: 489 non-retryable when malformed, 200 when advanced", async () => {
    const { holding, services } = await createHeld(invoiceDocuments(1));
    const quiet = { ...services, logger: { ...services.logger, error: () => undefined } };
    expect(await consumeDelivery(quiet, { messageId: "m1", body: "{not json", retried: 0 })).toEqual({ status: 489, nonRetryable: true });
    expect(await consumeDelivery(quiet, { messageId: "m2", body: JSON.stringify({ type: "phase" }), retried: 0 }))
      .toEqual({ status: 489, nonRetryable: true });
    const [message] = holding.take();
    const delivery = { messageId: "m3", body: JSON.stringify({ type: "phase", ...message }), retried: 0 };
    expect(await consumeDelivery(services, delivery)).toEqual({ status: 200, nonRetryable: false });
    expect(holding.held.map(({ body }) => (body as PhaseMessage).phase_index)).toEqual([1]);
  });

  it("lets exactly one of two racing deliveries of the same message take effect", async () => {
    const { pipeline, services, holding } = await createHeld(invoiceDocuments(4));
    const messages = holding.take();
    const outcomes = await Promise.all(messages.flatMap((m) => [advanceDocument(services, m, 0), advanceDocument(services, m, 0)]));
    expect(outcomes.filter((o) => o.effect === "advanced")).toHaveLength(4);
    expect(outcomes.filter((o) => o.effect === "none")).toHaveLength(4);
    const steps = await stepsOf(pipeline.id);
    expect(steps).toHaveLength(4);
    expect(new Set(steps.map((s) => s.document_id)).size).toBe(4);
    expect(holding.held).toHaveLength(4);
  });

  it("ignores a late delivery for an earlier phase and a reordered one for a later phase", async () => {
    const { pipeline, services, holding } = await createHeld(invoiceDocuments(1));
    const [first] = holding.take();
    await advanceDocument(services, first, 0);
    const early = { ...first, phase_index: 3 };
    expect((await advanceDocument(services, early, 0)).effect).toBe("none");
    const otherGeneration = { ...first, phase_index: 1, generation: 2 };
    expect((await advanceDocument(services, otherGeneration, 0)).effect).toBe("none");
    expect(await stepsOf(pipeline.id)).toHaveLength(1);
  });

  it("recovers a lost publish through the sweep", async () => {
    const { pipeline, holding } = await createHeld(invoiceDocuments(5));
    holding.take(); // the messages are lost
    const swept = await sweepStaleDocuments(t.services, 0);
    expect(swept.republished).toBeGreaterThanOrEqual(5);
    await settle(t);
    const detail = await (await t.request(`/v1/pipelines/${pipeline.id}`)).json();
    expect(detail.status).toBe("completed");
    expect(detail.documents_by_state.complete).toBe(5);
    expect((await sweepStaleDocuments(t.services, 0)).claimed).toBe(0);
  });

  it("cancels a run mid-way: pending documents stop, later deliveries change nothing", async () => {
    const { pipeline, services, holding } = await createHeld(invoiceDocuments(3));
    const [a, b] = holding.take();
    await advanceDocument(services, a, 0);
    const res = await t.request(`/v1/pipelines/${pipeline.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "cancelled", cancelled_documents: 3 });
    expect((await advanceDocument(services, b, 0)).effect).toBe("none");
    const detail = await (await t.request(`/v1/pipelines/${pipeline.id}`)).json();
    expect(detail).toMatchObject({ status: "cancelled", documents_by_state: { cancelled: 3 } });
    expect((await t.request(`/v1/pipelines/${pipeline.id}/cancel`, { method: "POST" })).status).toBe(409);
  });

  it("ends a document in error after its retries while its siblings complete", async () => {
    const { pipeline, holding } = await createHeld(invoiceDocuments(3));
    const messages = holding.take();
    // Corrupt one stored source so transfer throws an unexpected (retryable) error every time.
    await t.db.updateTable("documents").set({ source: JSON.stringify({ kind: "mystery" }), cache_key: null }).where("id", "=", messages[1].document_id).execute();
    for (const m of messages) await t.services.queue.publish({ body: { type: "phase", ...m } });
    await settle(t);
    const detail = await (await t.request(`/v1/pipelines/${pipeline.id}`)).json();
    expect(detail.status).toBe("partial");
    expect(detail.documents_by_state).toMatchObject({ complete: 2, error: 1 });
    const records = await (await t.request(`/v1/pipelines/${pipeline.id}/records`)).json();
    expect(records.errors).toEqual([expect.objectContaining({ record_id: expect.stringMatching(/^doc-\d$/), document_id: messages[1].document_id, code: "phase_failed", attempts: 3 })]);
    const failedSteps = (await stepsOf(pipeline.id)).filter((s) => s.document_id === messages[1].document_id);
    expect(failedSteps.map((s) => [s.status, s.attempt])).toEqual([["retrying", 0], ["retrying", 1], ["failed", 2]]);
  });

  it("ends an undecodable document in error at once, without retries", async () => {
    const { pipeline, services, holding } = await createHeld([{ id: "bin", content_base64: btoa("%PDF-1.7\n truncated") } as never, ...invoiceDocuments(1)]);
    for (const m of holding.take()) await advanceDocument(services, m, 0);
    const records = await (await t.request(`/v1/pipelines/${pipeline.id}/records`)).json();
    expect(records.errors).toEqual([expect.objectContaining({ code: "invalid_pdf", attempts: 1 })]);
  });
});

describe("the delivery endpoint", () => {
  const url = "http://sluice.test/internal/queue";

  it("401s a delivery whose signature does not verify, before parsing", async () => {
    const body = JSON.stringify({ type: "phase" });
    const forged = await signDelivery({ signingKey: "sig_wrong", rawBody: body, url });
    for (const signature of [undefined, "garbage", forged]) {
      const res = await t.app.request(url, { method: "POST", body, headers: signature ? { "Upstash-Signature": signature } : {} });
      expect(res.status).toBe(401);
    }
  });

  it("answers 489 non-retryable for a verified but malformed message", async () => {
    const body = JSON.stringify({ type: "nonsense" });
    const signature = await signDelivery({ signingKey: "sig_current_test_key", rawBody: body, url });
    const res = await t.app.request(url, { method: "POST", body, headers: { "Upstash-Signature": signature } });
    expect(res.status).toBe(489);
    expect(res.headers.get("upstash-nonretryable-error")).toBe("true");
  });

  it("accepts a message signed with the next key and acknowledges a duplicate", async () => {
    const { holding } = await createHeld(invoiceDocuments(1));
    const [m] = holding.take();
    const body = JSON.stringify({ type: "phase", ...m });
    const signature = await signDelivery({ signingKey: "sig_next_test_key", rawBody: body, url });
    const first = await t.app.request(url, { method: "POST", body, headers: { "Upstash-Signature": signature } });
    expect(first.status).toBe(200);
    expect((await first.json()).effect).toBe("advanced");
    const again = await t.app.request(url, { method: "POST", body, headers: { "Upstash-Signature": signature } });
    expect((await again.json()).effect).toBe("none");
    await settle(t);
  });
});
