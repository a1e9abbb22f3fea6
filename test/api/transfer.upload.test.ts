import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queue, QueueMessage } from "../../src/adapters/queue/interface";
import { createApp } from "../../src/app";
import { advanceDocument } from "../../src/pipeline/engine";
import type { PhaseMessage } from "../../src/pipeline/messages";
import { makePdf, startFileServer } from "../support/documents";
import { startTestApp, type TestApp } from "../support/harness";

const MAX_FILE = 16 * 1024;
const MAX_BODY = 64 * 1024;
let t: TestApp;
let files: Awaited<ReturnType<typeof startFileServer>>;

beforeAll(async () => {
  files = await startFileServer({
    "/export": (_req, res) => res.writeHead(200, { "content-type": "text/csv" }).end("number,total\nE-1,7.50\n"),
    "/reports/march.csv": (_req, res) => res.writeHead(200, { "content-type": "application/octet-stream" }).end("number,total\nM-3,3.25\n"),
    "/round-trip.txt": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("Invoice No: RT\nTotal: 1.00\n"),
  });
  t = await startTestApp({ env: { FETCH_ALLOW_HOSTS: "127.0.0.1", MAX_FILE_BYTES: String(MAX_FILE), MAX_BODY_BYTES: String(MAX_BODY) } });
});
afterAll(async () => {
  await t.close();
  await files.close();
});

const fields = [
  { name: "number", type: "string", extract: [{ type: "table", column: "number" }, { type: "label", labels: ["Invoice No"] }] },
  { name: "total", type: "number", extract: [{ type: "table", column: "total" }, { type: "label", labels: ["Total"] }] },
  { name: "file", type: "string", extract: [{ type: "metadata", key: "filename" }] },
];
const phases = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }];
type Records = { order: string[]; errors: Array<{ code: string; message: string }>; records: Record<string, { fields: Record<string, { value: unknown }> }> };
const values = (records: Records) => records.order.map((id) => Object.fromEntries(Object.entries(records.records[id].fields).map(([k, c]) => [k, c.value])));

function form(entries: Record<string, string | Blob>) {
  const body = new FormData();
  body.set("fields", JSON.stringify(fields));
  body.set("phases", JSON.stringify(phases));
  for (const [key, value] of Object.entries(entries)) body.set(key, value);
  return body;
}
const upload = (path: string, body: FormData) => t.request(path, { method: "POST", body });
const errorOf = async (res: Response) => (await res.json()).error;

describe("multipart uploads", () => {
  it("puts documents given as JSON first, then file.0, file.1 in index order, reading names and types", async () => {
    const res = await upload("/v1/pipelines/sync", form({
      documents: JSON.stringify([{ text: "Invoice No: J-1\nTotal: 1.00" }]),
      "file.1": new Blob(["number;total\nB-2;2,50\n"], { type: "text/csv" }),
      "file.0": new File(["Invoice No: A-1\nTotal: 4.00"], "a.txt", { type: "text/plain" }),
    }));
    expect(res.status).toBe(200);
    expect(values(await res.json())).toEqual([
      { number: "J-1", total: 1, file: null },
      { number: "A-1", total: 4, file: "a.txt" },
      { number: "B-2", total: 2.5, file: "blob" },
    ]);
  });

  it("refuses an oversize file or body with 413, an image without a readable header with 415, and misplaced fields with 400", async () => {
    const big = await upload("/v1/pipelines", form({ "file.0": new File(["x".repeat(MAX_FILE + 1)], "big.txt") }));
    expect([big.status, (await errorOf(big)).message]).toEqual([413, `file.0 is ${MAX_FILE + 1} bytes; the limit is ${MAX_FILE} (MAX_FILE_BYTES)`]);
    const body = await upload("/v1/pipelines", form(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`file.${i}`, new File(["y".repeat(MAX_FILE)], `${i}.txt`)]))));
    expect([body.status, (await errorOf(body)).code]).toEqual([413, "payload_too_large"]);
    const png = await upload("/v1/pipelines", form({ "file.0": new File([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], "scan.png") }));
    expect([png.status, (await errorOf(png)).message]).toEqual([415, "documents.0: the image's header is missing or cut short"]);
    const text = await upload("/v1/pipelines", form({ "file.0": "not a file" }));
    expect([text.status, (await errorOf(text)).details]).toEqual([400, [{ path: "file.0", message: "must be a file" }]]);
    const range = await upload("/v1/pipelines", form({ page_range: "2-1", "file.0": new File(["a"], "a.txt") }));
    expect([range.status, (await errorOf(range)).details[0].path]).toEqual([400, "page_range"]);
  });

  it("takes skip_cache as a form field", async () => {
    const content = `Invoice No: U-${crypto.randomUUID()}\nTotal: 2.00`;
    const transferStep = async (res: Response) => {
      const { id } = await res.json();
      return (await (await t.request(`/v1/pipelines/${id}/steps`)).json()).items[0];
    };
    const first = await transferStep(await upload("/v1/pipelines/sync", form({ "file.0": new File([content], "u.txt") })));
    const again = await transferStep(await upload("/v1/pipelines/sync", form({ "file.0": new File([content], "u.txt") })));
    const skipped = await transferStep(await upload("/v1/pipelines/sync", form({ skip_cache: "true", "file.0": new File([content], "u.txt") })));
    expect([first.cache_hit, again.cache_hit, skipped.cache_hit]).toEqual([false, true, false]);
    expect(skipped.lookup_key).toBe(first.lookup_key);
  });
});

describe("documents by URL", () => {
  it("uses the served type, and the URL's file name when none is given", async () => {
    const res = await t.request("/v1/pipelines/sync", { method: "POST", json: { fields, phases, documents: [{ file_url: `${files.base}/export` }, { file_url: `${files.base}/reports/march.csv` }] } });
    expect(values(await res.json())).toEqual([{ number: "E-1", total: 7.5, file: null }, { number: "M-3", total: 3.25, file: "march.csv" }]);
  });
});

describe("documents that cannot be read", () => {
  it("ends a PDF without text, or a range past its last page, in error with the reason", async () => {
    const scanned = btoa(String.fromCharCode(...(await makePdf([[], [], [], []]))));
    const res = await t.request("/v1/pipelines/sync", { method: "POST", json: { fields, phases, page_range: "3", documents: [{ content_base64: scanned }, { text: "one page" }] } });
    expect((await res.json()).errors.map((e: { code: string }) => e.code)).toEqual(["no_text", "page_range_empty"]);
  });
});

/** A queue that keeps messages, so the test delivers each phase itself and counts round trips. */
function holdingServices() {
  const held: QueueMessage[] = [];
  const queue: Queue = { publish: async (m) => (held.push(m), { messageId: String(held.length) }) };
  const services = { ...t.services, queue };
  const take = () => held.splice(0).map(({ body }) => { const { type: _t, ...m } = body as PhaseMessage & { type: string }; return m; });
  return { services, app: createApp(services), take };
}

describe("round trips of a transfer delivery", () => {
  it("costs one read and one write; a URL document adds one cache read, unless skip_cache", async () => {
    const { services, app, take } = holdingServices();
    const transferRoundTrips = async (body: Record<string, unknown>) => {
      const res = await app.request("/v1/pipelines", { method: "POST", headers: { "X-API-Key": t.adminKey, "content-type": "application/json" }, body: JSON.stringify({ fields, phases, ...body }) });
      expect(res.status).toBe(202);
      const [message] = take();
      const before = t.roundTrips();
      expect(await advanceDocument(services, message, 0)).toMatchObject({ effect: "advanced", phase_index: 0, outcome: null });
      const roundTrips = t.roundTrips() - before;
      take(); // the extraction message: not this test's concern
      return roundTrips;
    };
    const text = `Invoice No: ${crypto.randomUUID()}`;
    const url = `${files.base}/round-trip.txt`;
    expect(await transferRoundTrips({ documents: [{ text }] })).toBe(2);
    expect(await transferRoundTrips({ documents: [{ text }] })).toBe(2); // the cache hit rides on the read
    expect(await transferRoundTrips({ documents: [{ file_url: url }] })).toBe(3);
    expect(await transferRoundTrips({ documents: [{ file_url: url }], skip_cache: true })).toBe(2);
  });
});
