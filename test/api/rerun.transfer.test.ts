import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileServer } from "../support/documents";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, settle } from "../support/pipelines";

let t: TestApp;
let files: Awaited<ReturnType<typeof startFileServer>>;
let up = false;

beforeAll(async () => {
  files = await startFileServer({
    "/invoice.txt": (_req, res) => (up ? res.writeHead(200, { "content-type": "text/plain" }).end("Invoice No: U-1\nTotal: 7.00\n") : res.writeHead(404).end()),
  });
  t = await startTestApp({ env: { FETCH_ALLOW_HOSTS: "127.0.0.1" } });
});
afterAll(async () => {
  await t.close();
  await files.close();
});

describe("rerun from transfer", () => {
  it("fetches again documents whose every attempt failed in transfer", async () => {
    const { body: run } = await createPipeline(t, { documents: [{ file_url: `${files.base}/invoice.txt` }, { file_url: `${files.base}/invoice.txt` }] });
    await settle(t);
    expect(await (await t.request(`/v1/pipelines/${run.id}`)).json()).toMatchObject({ status: "failed", counts: { error: 2 } });
    up = true;
    const res = await t.request(`/v1/pipelines/${run.id}/rerun`, { method: "POST", json: { from_phase: "transfer" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ enqueued: 2, fromPhaseIndex: 0 });
    await settle(t);
    const records = await (await t.request(`/v1/pipelines/${run.id}/records`)).json();
    expect(Object.values(records.records).map((r) => (r as { fields: { total: { value: unknown } } }).fields.total.value)).toEqual([7, 7]);
    expect((await t.request(`/v1/pipelines/${run.id}/data-product`, { method: "POST", json: {} })).status).toBe(200);
  });
});
