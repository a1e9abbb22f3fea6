import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queue } from "../../src/adapters/queue/interface";
import { createApp } from "../../src/app";
import { advanceDocument } from "../../src/pipeline/engine";
import type { PhaseMessage } from "../../src/pipeline/messages";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";
import { createProduct } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "100000", RATE_LIMIT_REQUESTS: "100000" } });
});
afterAll(() => t.close());

const DOCUMENTS = 300;

/** Every surface a consumer reads, each read to its end: all row pages, the API CSV, the share CSV. */
async function readEverything(productId: string, token: string) {
  const ids: string[] = [];
  const generations = new Set<number>();
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ external_id: string }>; next_cursor: string | null; generation: number } =
      await (await t.request(`/v1/data-products/${productId}/rows?limit=120${cursor ? `&cursor=${cursor}` : ""}`)).json();
    ids.push(...page.items.map((r) => r.external_id));
    generations.add(page.generation);
    cursor = page.next_cursor;
  } while (cursor);
  const api = await t.request(`/v1/data-products/${productId}/export.csv`);
  const share = await t.request(`/share/${token}.csv`, { key: null });
  const lines = async (res: Response) => (await res.text()).trimEnd().split("\r\n").length - 1;
  return {
    rows: new Set(ids).size, csv: await lines(api), share: await lines(share),
    generation: [...generations], apiGeneration: Number(api.headers.get("sluice-generation")), etag: api.headers.get("etag"),
  };
}

const ITEM_DOCUMENTS = 80;
const itemDefinition = {
  fields: [{
    name: "lines", type: "table", columns: [{ name: "description", type: "string" }, { name: "amount", type: "number" }],
    extract: [{ type: "json_pointer", pointer: "/lines", columns: { description: "d", amount: "a" } }],
  }],
  phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
  documents: Array.from({ length: ITEM_DOCUMENTS }, (_, i) => ({
    id: `inv-${i}`, filename: `inv-${i}.json`, text: JSON.stringify({ lines: [0, 1, 2].map((n) => ({ d: `part ${i}-${n}`, a: n + 1 })) }),
  })),
};

/** A table field's items on every surface, each read to its end: all `?table=` pages, the API CSV, the share CSV. */
async function readItems(productId: string, token: string) {
  const items = new Set<string>();
  const generations = new Set<number>();
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ record_id: string; item_index: number }>; next_cursor: string | null; generation: number } =
      await (await t.request(`/v1/data-products/${productId}/rows?table=lines&limit=100${cursor ? `&cursor=${cursor}` : ""}`)).json();
    for (const item of page.items) items.add(`${item.record_id}/${item.item_index}`);
    generations.add(page.generation);
    cursor = page.next_cursor;
  } while (cursor);
  const lines = async (res: Response) => (await res.text()).trimEnd().split("\r\n").length - 1;
  const api = await t.request(`/v1/data-products/${productId}/export.csv?table=lines`);
  const share = await t.request(`/share/${token}.csv?table=lines`, { key: null });
  return {
    rows: items.size, csv: await lines(api), share: await lines(share),
    generation: [...generations], apiGeneration: Number(api.headers.get("sluice-generation")),
  };
}

const rerun = (id: string, from_phase: string) => t.request(`/v1/pipelines/${id}/rerun`, { method: "POST", json: { from_phase } });
const runStatus = async (id: string) => (await (await t.request(`/v1/pipelines/${id}`)).json()) as { status: string; counts: Record<string, number> };

/** The app with a queue that holds its messages; the test delivers them one by one. */
function heldQueueApp() {
  const messages: PhaseMessage[] = [];
  const queue: Queue = { publish: async (m) => (isPhase(m.body) && messages.push(m.body), { messageId: String(messages.length + 1) }) };
  const services = { ...t.services, queue };
  const app = createApp(services);
  return {
    messages,
    rerun: (id: string, from_phase = "validation") => app.request(`/v1/pipelines/${id}/rerun`, {
      method: "POST", headers: { "X-API-Key": t.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ from_phase }),
    }),
    deliver: (i: number) => advanceDocument(services, messages[i]!, 0),
  };
}

/** Only phase messages are held to be delivered by hand; a finished run's events message is not one. */
const isPhase = (body: unknown): body is PhaseMessage => (body as { type?: string }).type === "phase";

describe("a data product never goes dark", () => {
  it("shows all 300 rows on every surface through a rerun and a cancelled rerun", { timeout: 240_000 }, async () => {
    const { body: run } = await createPipeline(t, { documents: invoiceDocuments(DOCUMENTS) });
    await settle(t);
    const { body: product } = await createProduct(t, run.id);
    const [id, token] = [product.dataProduct.id, product.shareToken.token];
    const first = await readEverything(id, token);
    expect(first).toMatchObject({ rows: DOCUMENTS, csv: DOCUMENTS, share: DOCUMENTS, generation: [1], apiGeneration: 1 });

    // Reruns go through an app whose queue holds every message, so the reads below happen mid-rerun
    // by construction, whatever the machine's speed.
    const held = heldQueueApp();
    expect((await held.rerun(run.id)).status).toBe(200);
    const seen: number[] = [];
    for (let i = 0; i < held.messages.length; i++) {
      if (i % 75 === 0) {
        const read = await readEverything(id, token);
        expect(read).toMatchObject({ rows: DOCUMENTS, csv: DOCUMENTS, share: DOCUMENTS });
        expect(read.generation).toHaveLength(1);
        seen.push(read.apiGeneration);
      }
      expect((await held.deliver(i)).effect).toBe("advanced");
    }
    expect(seen).toEqual([1, 1, 1, 1]); // the previous generation, whole, until the rerun finished
    const after = await readEverything(id, token);
    expect(after).toMatchObject({ rows: DOCUMENTS, csv: DOCUMENTS, share: DOCUMENTS, generation: [2], apiGeneration: 2 });
    expect(after.etag).not.toBe(first.etag);

    const second = heldQueueApp();
    expect((await second.rerun(run.id)).status).toBe(200);
    for (let i = 0; i < 100; i++) await second.deliver(i);
    const midway = await readEverything(id, token);
    expect(midway).toMatchObject({ rows: DOCUMENTS, csv: DOCUMENTS, share: DOCUMENTS, apiGeneration: 2, etag: after.etag });
    expect((await t.request(`/v1/pipelines/${run.id}/cancel`, { method: "POST" })).status).toBe(200);
    for (let i = 100; i < second.messages.length; i++) await second.deliver(i);
    const cancelled = await runStatus(run.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.counts.cancelled).toBe(DOCUMENTS - 100);
    expect(await readEverything(id, token)).toMatchObject({ rows: DOCUMENTS, csv: DOCUMENTS, share: DOCUMENTS, apiGeneration: 2, etag: after.etag });
    expect((await createProduct(t, run.id)).res.status).toBe(200);
  });

  it("shows every line item on every ?table= surface through a rerun", { timeout: 120_000 }, async () => {
    const res = await t.request("/v1/pipelines", { method: "POST", json: { name: "items", ...itemDefinition } });
    const run = await res.json();
    await settle(t);
    const { body: product } = await createProduct(t, run.id);
    const [id, token] = [product.dataProduct.id, product.shareToken.token];
    const whole = { rows: ITEM_DOCUMENTS * 3, csv: ITEM_DOCUMENTS * 3, share: ITEM_DOCUMENTS * 3 };
    expect(await readItems(id, token)).toMatchObject({ ...whole, generation: [1], apiGeneration: 1 });
    const first = await (await t.request(`/v1/data-products/${id}/rows?table=lines&limit=2`)).json();
    expect(first.next_cursor).toBe("g1i0.1");

    const held = heldQueueApp();
    expect((await held.rerun(run.id, "resolution")).status).toBe(200);
    const seen: number[] = [];
    // A delivery that publishes a next phase adds to `messages`: the loop takes those too.
    for (let i = 0; i < held.messages.length; i++) {
      if (i % 20 === 0) {
        const read = await readItems(id, token);
        expect(read).toMatchObject(whole);
        expect(read.generation).toHaveLength(1);
        seen.push(read.apiGeneration);
      }
      expect((await held.deliver(i)).effect).toBe("advanced");
    }
    expect(seen).toEqual([1, 1, 1, 1]); // read mid-rerun: the previous generation's items, all of them
    expect(await readItems(id, token)).toMatchObject({ ...whole, generation: [2], apiGeneration: 2 });
    const record = await t.request(`/v1/data-products/${id}/rows?limit=2&cursor=${first.next_cursor}`);
    expect(record.status).toBe(400); // an item cursor pages ?table= only
  });

  it("answers 304 to a current ETag and pins a cursor to the generation of its first page", async () => {
    const { body: run } = await createPipeline(t, { documents: invoiceDocuments(3) });
    await settle(t);
    const { body: product } = await createProduct(t, run.id);
    const id = product.dataProduct.id;
    const page = await t.request(`/v1/data-products/${id}/rows?limit=2`);
    const body = await page.json();
    expect(body).toMatchObject({ generation: 1, as_of: expect.any(String), next_cursor: expect.stringMatching(/^g1r\d+$/) });
    const etag = page.headers.get("etag")!;
    expect((await t.request(`/v1/data-products/${id}/export.csv`, { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await t.request(`/share/${product.shareToken.token}.csv`, { key: null, headers: { "if-none-match": etag } })).status).toBe(304);

    for (let i = 0; i < 2; i++) {
      await rerun(run.id, "validation");
      await settle(t);
    }
    const rest = await t.request(`/v1/data-products/${id}/rows?limit=2&cursor=${body.next_cursor}`);
    expect(rest.status).toBe(409);
    const fresh = await t.request(`/v1/data-products/${id}/export.csv`, { headers: { "if-none-match": etag } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("sluice-generation")).toBe("3");
    await fresh.text();
  });

  it("ends the CSV of a product whose run has not finished a generation yet: header only", async () => {
    const held: PhaseMessage[] = [];
    const queue: Queue = { publish: async (m) => (isPhase(m.body) && held.push(m.body), { messageId: String(held.length + 1) }) };
    const services = { ...t.services, queue };
    const created = await createApp(services).request("/v1/pipelines", {
      method: "POST", headers: { "X-API-Key": t.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ ...invoiceDefinition, documents: invoiceDocuments(2) }),
    });
    const run = await created.json();
    for (let phase = 0; phase < invoiceDefinition.phases.length; phase++) {
      const message = held.find((m) => m.phase_index === phase)!;
      expect((await advanceDocument(services, message, 0)).effect).toBe("advanced");
    }
    const { res, body: product } = await createProduct(t, run.id);
    expect(res.status).toBe(200);
    const csv = await t.request(`/v1/data-products/${product.dataProduct.id}/export.csv`);
    expect(csv.headers.get("sluice-generation")).toBe("0");
    expect(await csv.text()).toBe("invoice_number,total,issued\r\n");
    const rows = await (await t.request(`/v1/data-products/${product.dataProduct.id}/rows`)).json();
    expect(rows).toEqual({ items: [], limit: 100, next_cursor: null, generation: 0, as_of: null });
  });
});
